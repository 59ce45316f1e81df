import IOPBCPU
import IOPBCost
import IOPBKernel

/// Lazy copy on #GP with an owner check (`lazy-gp-copy`), as i386 Linux ran it from Bart
/// Oldeman's 2005 fix (after 2.6.13, inferred) to 2.6.25: a switch to a thread with a bitmap stores a valid base when this CPU's TSS still
/// holds that thread's bitmap (`tss->io_bitmap_owner`), otherwise a second invalid base
/// (`INVALID_IO_BITMAP_OFFSET_LAZY`); its first port access then faults, and the #GP handler
/// copies the bitmap, takes ownership, makes the base valid and restarts the instruction.
/// `sys_ioperm()` only sets the lazy base and forgets the owner.
///
/// Sources: `handle_io_bitmap()` in `arch/i386/kernel/process.c` (owner hit → `IO_BITMAP_OFFSET`,
/// miss → `INVALID_IO_BITMAP_OFFSET_LAZY`); the lazy block of `do_general_protection()` in
/// `arch/i386/kernel/traps.c` (copy `io_bitmap_max` bytes, 0xff over the rest of the previous
/// extent, `io_bitmap_owner = thread`, which Bart Oldeman's 2005 fix
/// `<Pine.LNX.4.62.0509172239570.3423@enm-bo-lt.localnet>` added: 2.6.9 released never set
/// the owner); `sys_ioperm()` in `arch/i386/kernel/ioport.c` (lazy base, `io_bitmap_owner =
/// NULL`); removed by Jeremy Fitzhardinge in db949bba3c7c ("x86-32: use non-lazy io bitmap
/// context switching"). The mechanism is Davide Libenzi's "[patch] lazy TSS's I/O bitmap
/// copy" (LKML, 2004-08-23), whose posting had no owner check; ``checksOwner`` false runs it
/// (`lazy-gp-copy+no-owner`), which is also what 2.6.9 to the 2005 fix did. Ingo Molnar's
/// objection: the first #GP still pays the whole copy (costs.md §2).
///
/// The model keys the owner by thread and by the sequence of the bitmap copied: the kernel
/// kept only the thread pointer and forgot it only on the CPU that ran `sys_ioperm()`, so a
/// thread that changed its bitmap and migrated back would find its old copy valid there
/// (derived from the code, not reported). `iopl(3)` points the base at an all-zero `mapall`
/// (c8137ace5638) at once; there is nothing to copy for it. The handler also reloads TR when a
/// VM exit cut the limit.
public struct LazyGPCopyStrategy: InstallingStrategy {
  /// Whose bitmap a CPU's TSS holds: the thread and the version it had when copied.
  public struct Owner: Sendable, Hashable {
    public var thread: ThreadID
    public var sequence: UInt64
  }

  public struct CPUState: CPURecord {
    public var tss: BitmapTSS
    /// `tss->io_bitmap_owner`; nil for none.
    public var owner: Owner?
  }

  public typealias State = PerCPUState<CPUState>

  /// False: no owner check, the lazy base on every switch to a bitmap user (Libenzi's posting).
  public var checksOwner: Bool

  public init(checksOwner: Bool = true) { self.checksOwner = checksOwner }

  public var name: String { checksOwner ? "lazy-gp-copy" : "lazy-gp-copy+no-owner" }

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String {
    checksOwner
      ? "Linux i386 after 2.6.13 (inferred) to 2.6.25, handle_io_bitmap() and do_general_protection() with Oldeman's owner fix"
      : "Linux 2.6.9–2.6.13 i386, handle_io_bitmap() and do_general_protection() (before Oldeman's 2005 owner fix)"
  }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String {
    checksOwner
      ? "owner hit: valid base; miss: lazy base, and the first port #GP copies, takes ownership, restarts"
      : "lazy invalid base on every switch to a bitmap user; the first port #GP copies and restarts"
  }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(CPUState(tss: BitmapTSS(portCount: kernel.portCount)), count: cpuCount)
  }

  /// The lazy #GP handler: copy the bitmap in when the base is the lazy invalid one, reload
  /// TR when a VM exit cut the limit, and restart the instruction if either ran.
  public func generalProtection(
    on cpu: CPUID, thread: ThreadID, access: IOAccess, in context: inout Context
  ) -> Bool {
    var fixed = false
    if context.state.cpus[cpu].tss.base == context.state.cpus[cpu].tss.lazyInvalid,
      let id = context.kernel[thread].ioBitmap, context.kernel.bitmaps.contains(id)
    {
      // The bitmap is read in place: a copy of its value (`Kernel.bitmap(of:)`) would cost a
      // retain and a release at every #GP.
      copyLazily(context.kernel.bitmaps[existing: id], into: &context.state.cpus[cpu].tss, counts: &context.counts)
      context.state.cpus[cpu].owner = Owner(thread: thread, sequence: context.kernel.bitmaps[existing: id].sequence)
      fixed = true
    }
    if context.state.cpus[cpu].tss.limitInvalid, PortView(of: thread, in: context.kernel).grantsPorts {
      context.state.cpus[cpu].tss.reloadTR(counts: &context.counts)
      fixed = true
    }
    if fixed { context.counts.generalProtectionFixups += 1 }
    return fixed
  }

  /// `do_general_protection()`'s copy: the thread's `io_bitmap_max` bytes, 0xff over the rest
  /// of the previous extent, and a valid base.
  func copyLazily(_ bitmap: IOBitmap, into tss: inout BitmapTSS, counts: inout OperationCounts) {
    tss.copy(bitmap, range: 0..<bitmap.maxBytes, counts: &counts)
    if tss.dirtyBytes > bitmap.maxBytes { tss.fill(bitmap.maxBytes..<tss.dirtyBytes, counts: &counts) }
    tss.dirtyBytes = bitmap.maxBytes
    tss.setBase(tss.layout.validMap, counts: &counts)
  }

  /// `handle_io_bitmap()` at a switch: a valid base for the owner, the lazy one for another
  /// bitmap user, an invalid one for a thread without.
  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    let view = PortView(of: next, in: context.kernel)
    if case .map(_, let sequence) = view, let next {
      context.counts.sequenceCompares += checksOwner ? 1 : 0
      let owned = checksOwner && context.state.cpus[cpu].owner == Owner(thread: next, sequence: sequence)
      let layout = context.state.cpus[cpu].tss.layout
      let base = owned ? layout.validMap : context.state.cpus[cpu].tss.lazyInvalid
      context.state.cpus[cpu].tss.setBaseIfChanged(base, counts: &context.counts)
      if owned { context.state.cpus[cpu].tss.refreshLimit(counts: &context.counts) }
    } else {
      install(next, into: &context.state.cpus[cpu], kernel: context.kernel, counts: &context.counts)
    }
  }

  /// `sys_ioperm()`: the lazy base and no owner, so the next access copies again; `iopl(3)`
  /// and a thread left without ports as at a switch.
  public func install(
    _ thread: ThreadID?, into record: inout CPUState, kernel: Kernel, counts: inout OperationCounts
  ) {
    switch PortView(of: thread, in: kernel) {
    case .none: record.tss.setBaseIfChanged(record.tss.layout.invalid, counts: &counts)
    case .all:
      record.tss.setBaseIfChanged(record.tss.layout.validAll, counts: &counts)
      record.tss.refreshLimit(counts: &counts)
    case .map:
      record.tss.setBaseIfChanged(record.tss.lazyInvalid, counts: &counts)
      record.owner = nil
    }
  }

  /// I1 and I2 of every TSS, and I3 for the owner while its bitmap is unchanged.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    invariantViolations(in: state, kernel: kernel, currents: currents, within: .everything)
  }

  /// The same rules at the CPUs in `scope`.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>, within scope: InvariantScope
  ) -> [InvariantViolation] {
    state.layoutViolations(within: scope) { record in
      guard let owner = record.owner, kernel.isAlive(owner.thread), let id = kernel[owner.thread].ioBitmap,
        let bitmap = kernel.bitmaps[id], bitmap.sequence == owner.sequence,
        !record.tss.holds(bitmap, bytes: record.tss.dirtyBytes)
      else { return nil }
      return .bytesDiffer(from: id)
    }
  }
}
