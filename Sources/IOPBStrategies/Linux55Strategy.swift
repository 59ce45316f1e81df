import IOPBCPU
import IOPBCost
import IOPBKernel

/// Linux 5.5 and later (`linux-5.5`): invalidate on switch-out, copy on exit to user only when
/// the CPU's `prev_sequence` says the TSS holds another bitmap.
///
/// Sources: `__switch_to_xtra()`/`switch_to_bitmap()` and `native_tss_update_io_bitmap()` in
/// `arch/x86/kernel/process.c`; `tss_copy_io_bitmap()`; `refresh_tss_limit()` and
/// `invalidate_tss_limit()` in `arch/x86/include/asm/desc.h`; commits ecc7e37d4dad ("x86/io:
/// Speedup schedule out of I/O bitmap user"), 060aa16fdb7c ("x86/ioperm: Add bitmap sequence
/// number") and 22fe5b0439dd ("x86/ioperm: Move TSS bitmap update to exit to user work").
///
/// The TSS is a ``BitmapTSS``, whose `prev_sequence` and `prev_max` sit at their real offsets.
/// The hooks decide when the kernel calls the two paravirt operations,
/// `tss_invalidate_io_bitmap()` and `tss_update_io_bitmap()` (`pv_ops.cpu`), through
/// ``invalidatesAtSwitch(from:kernel:)``, ``updatesAtReturn(of:kernel:)``,
/// ``invalidatesAfterChange(of:kernel:)`` and ``invalidatesOnCopy(of:kernel:)``; a
/// paravirtualised guest (``XenPVStrategy``) makes the
/// same decisions with its own operations.
public struct Linux55Strategy: SwitchStrategy {
  public typealias State = PerCPUState<PlainCPU>

  /// Deliberate mistakes, each one a way the 2019 designs could leak or lose a port. Checkers
  /// must find every one; none is ever on in the catalog.
  public enum Defect: String, Sendable, Hashable, CaseIterable {
    /// Switch-out leaves the base valid: the XSA-329 shape (the TSS and what the hardware
    /// consults drift apart when a bitmap user is switched out).
    case keepsBaseOnSwitchOut = "keeps-base-on-switch-out"
    /// `tss_copy_io_bitmap()` copies only the incoming `max`, forgetting `prev_max`, so the zero
    /// bits the previous bitmap left beyond it stay in the TSS: what tglx's V1 4/9 comment
    /// ("If the previous task which used an io bitmap had more bits permitted, then the copy
    /// needs to cover those as well so they get turned off") guards against. Not the hole Andy
    /// Lutomirski found in V2 06/16, which was in `ksys_ioperm()`'s in-place copy and is its own
    /// design, ``V2SpeedupScheduleOutStrategy`` (`v2-06-16`).
    case copiesOnlyIncomingMax = "copies-only-incoming-max"
    /// Exit to user never calls `refresh_tss_limit()` after a VM exit.
    case skipsLimitRefresh = "skips-limit-refresh"
    /// The per-CPU record remembers which bitmap was copied in (its ``BitmapID``) instead of
    /// its sequence: `prev_sequence` holds `id + 1` (0: none), as 2.6.9's `io_bitmap_owner`
    /// pointer in the TSS did. An `ioperm` that changes an unshared bitmap in place keeps its
    /// identity, so the new contents are never copied: what Linus's "some sequence counter, so
    /// that when the process updates its bitmap, it invalidates that case" (V1 thread, reference
    /// §6.3) and Andy's "might point to freed memory" on V2 08/16 are about.
    case tracksBitmapIdentity = "tracks-bitmap-identity"
  }

  /// The defects injected into this instance; empty for the real design.
  public var defects: Set<Defect>

  public init(defects: Set<Defect> = []) { self.defects = defects }

  /// True when `defect` is injected; the real design (no defects) asks at every switch and
  /// returns without hashing.
  func has(_ defect: Defect) -> Bool { !defects.isEmpty && defects.contains(defect) }

  public var name: String {
    defects.isEmpty ? "linux-5.5" : "linux-5.5+" + defects.map(\.rawValue).sorted().joined(separator: "+")
  }

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String {
    defects.isEmpty
      ? "Linux 5.5, arch/x86/kernel/process.c switch_to_bitmap(), native_tss_update_io_bitmap()"
      : "Linux 5.5, arch/x86/kernel/process.c, with a defect injected on purpose for checkers"
  }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String { "invalidate when a bitmap user leaves; on exit to user copy max(prev_max, max) if sequence differs" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(PlainCPU(tss: BitmapTSS(portCount: kernel.portCount)), count: cpuCount)
  }

  // MARK: When the paravirt operations run

  /// `__switch_to_xtra()`: TIF_IO_BITMAP is only in `_TIF_WORK_CTXSW_PREV`, so only the
  /// outgoing thread matters.
  public func invalidatesAtSwitch(from previous: ThreadID?, kernel: Kernel) -> Bool {
    guard let previous else { return false }
    return kernel[previous].needsIOBitmapUpdate && !has(.keepsBaseOnSwitchOut)
  }

  /// `arch_exit_to_user_mode_prepare()`: the update runs for a thread with TIF_IO_BITMAP.
  public func updatesAtReturn(of thread: ThreadID, kernel: Kernel) -> Bool {
    kernel[thread].needsIOBitmapUpdate
  }

  /// `task_update_io_bitmap()`: with the flag clear, `tss_update_io_bitmap()` invalidates now;
  /// with it set, the update waits for exit to user mode.
  public func invalidatesAfterChange(of thread: ThreadID, kernel: Kernel) -> Bool {
    !kernel[thread].needsIOBitmapUpdate
  }

  // MARK: Hooks

  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    if invalidatesAtSwitch(from: previous, kernel: context.kernel) {
      invalidate(&context.state.cpus[cpu].tss, counts: &context.counts)
    }
  }

  public func returnToUser(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    guard updatesAtReturn(of: thread, kernel: context.kernel) else { return }
    update(
      &context.state.cpus[cpu].tss, for: thread, on: cpu, kernel: &context.kernel, counts: &context.counts,
      faults: &context.faults)
  }

  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    if invalidatesAfterChange(of: thread, kernel: context.kernel) {
      invalidate(&context.state.cpus[cpu].tss, counts: &context.counts)
    }
  }

  /// `ksys_ioperm()`'s copy on write: `io_bitmap_exit()` on the shared bitmap runs
  /// `task_update_io_bitmap()`, which below level 3 clears the flag and invalidates the base
  /// before the private copy sets the flag again.
  public func invalidatesOnCopy(of thread: ThreadID, kernel: Kernel) -> Bool {
    kernel[thread].ioplEmulation != 3
  }

  public func bitmapCopiedOnWrite(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    if invalidatesOnCopy(of: thread, kernel: context.kernel) {
      invalidate(&context.state.cpus[cpu].tss, counts: &context.counts)
    }
  }

  /// A failed fork's `task_update_io_bitmap(child)` before 8b68e978718f: `tss_update_io_bitmap()`
  /// for current, the creator (``updateOrInvalidate(_:for:on:kernel:counts:faults:)``).
  public func failedForkUpdatedTSS(on cpu: CPUID, current: ThreadID, in context: inout Context) {
    updateOrInvalidate(
      &context.state.cpus[cpu].tss, for: current, on: cpu, kernel: &context.kernel, counts: &context.counts,
      faults: &context.faults)
  }

  /// `invalidate_tss_limit()`: reload at once for a thread with TIF_IO_BITMAP, otherwise defer.
  public func vmExit(on cpu: CPUID, current: ThreadID?, in context: inout Context) {
    let uses = current.map { context.kernel[$0].needsIOBitmapUpdate } ?? false
    context.state.cpus[cpu].tss.vmExit(currentUsesMap: uses, counts: &context.counts)
  }

  // MARK: The native operations

  /// `native_tss_invalidate_io_bitmap()`: base := `IO_BITMAP_OFFSET_INVALID`; bits untouched.
  public func invalidate(_ tss: inout BitmapTSS, counts: inout OperationCounts) {
    tss.setBase(tss.layout.invalid, counts: &counts)
  }

  /// `native_tss_update_io_bitmap()` called for current `thread` whatever its flag: with
  /// TIF_IO_BITMAP clear, `native_tss_invalidate_io_bitmap()` and return (no limit refresh);
  /// otherwise ``update(_:for:on:kernel:counts:faults:)``.
  public func updateOrInvalidate(
    _ tss: inout BitmapTSS, for thread: ThreadID, on cpu: CPUID, kernel: inout Kernel,
    counts: inout OperationCounts, faults: inout [KernelFault]
  ) {
    if kernel[thread].needsIOBitmapUpdate {
      update(&tss, for: thread, on: cpu, kernel: &kernel, counts: &counts, faults: &faults)
    } else {
      invalidate(&tss, counts: &counts)
    }
  }

  /// `native_tss_update_io_bitmap()` on `cpu` for current `thread`, which has TIF_IO_BITMAP:
  /// `mapall` at level 3, else the bitmap (copied when ``BitmapTSS/prevSequence`` differs), then
  /// `refresh_tss_limit()`.
  ///
  /// Without a bitmap below level 3 it takes 8b68e978718f's `WARN_ON_ONCE(!iobm)` branch
  /// exactly: `clear_thread_flag(TIF_IO_BITMAP)` on the thread in `kernel`,
  /// `native_tss_invalidate_io_bitmap()`, and, since the branch has no `return`, the read of
  /// `iobm->sequence` through NULL, appended to `faults` (``KernelFault/nullBitmapAfterWarning(cpu:thread:)``);
  /// the function stops there. Unreachable while the kernel keeps TIF_IO_BITMAP ⇒ (a bitmap or
  /// level 3); a failed fork by an I/O worker that inherited the flag reaches it
  /// (``KernelDeviation/ioWorkerInheritsFlag``, the syzbot report behind 8b68e978718f).
  public func update(
    _ tss: inout BitmapTSS, for thread: ThreadID, on cpu: CPUID, kernel: inout Kernel,
    counts: inout OperationCounts, faults: inout [KernelFault]
  ) {
    if kernel[thread].ioplEmulation == 3 {
      tss.setBase(tss.layout.validAll, counts: &counts)
    } else if let id = kernel[thread].ioBitmap {
      guard kernel.bitmaps.contains(id) else {
        // A pointer to a freed bitmap: no WARN, the read of iobm->sequence is a use after free.
        faults.append(.freedBitmapRead(cpu: cpu, thread: thread))
        return
      }
      counts.sequenceCompares += 1
      // Read in place: a copy of the bitmap's value would cost a retain and a release.
      copyIfStale(kernel.bitmaps[existing: id], id: id, into: &tss, counts: &counts)
      tss.setBase(tss.layout.validMap, counts: &counts)
    } else {
      kernel[thread].needsIOBitmapUpdate = false
      invalidate(&tss, counts: &counts)
      faults.append(.nullBitmapAfterWarning(cpu: cpu, thread: thread))
      return
    }
    if !has(.skipsLimitRefresh) { tss.refreshLimit(counts: &counts) }
  }

  /// What the CPU's `prev_sequence` records for bitmap `id`: its sequence, or `id + 1` with
  /// ``Defect/tracksBitmapIdentity``.
  public func recordedTag(of bitmap: IOBitmap, id: BitmapID) -> UInt64 {
    has(.tracksBitmapIdentity) ? UInt64(id.rawValue + 1) : bitmap.sequence
  }

  /// `tss_copy_io_bitmap()` when `prev_sequence` differs: copy max(prev_max, max) bytes (only
  /// `max` with ``Defect/copiesOnlyIncomingMax``) and record the new max and sequence (the
  /// identity with ``Defect/tracksBitmapIdentity``).
  func copyIfStale(_ bitmap: IOBitmap, id: BitmapID, into tss: inout BitmapTSS, counts: inout OperationCounts) {
    let tag = recordedTag(of: bitmap, id: id)
    guard tss.prevSequence != tag else { return }
    tss.copyOver(bitmap, coveringPrevious: !has(.copiesOnlyIncomingMax), counts: &counts)
    tss.prevSequence = tag
  }

  /// The bitmap a TSS whose `prev_sequence` holds `tag` claims to hold, if it is still
  /// allocated: the one with that sequence (the lowest id should several share it, which only
  /// ``KernelDeviation/noSequenceBump`` allows), or with ``Defect/tracksBitmapIdentity`` the
  /// one whose id is `tag - 1`. Nil for 0, nothing copied yet.
  public func claimedBitmap(_ tag: UInt64, in kernel: Kernel) -> (BitmapID, IOBitmap)? {
    guard tag != 0 else { return nil }
    if has(.tracksBitmapIdentity) {
      guard let raw = Int(exactly: tag - 1) else { return nil }
      let id = BitmapID(rawValue: raw)
      return kernel.bitmaps[id].map { (id, $0) }
    }
    return kernel.bitmap(withSequence: tag).flatMap { id in kernel.bitmaps[id].map { (id, $0) } }
  }

  // MARK: Invariants

  /// I1 and I2 of every TSS (``BitmapTSS/invariantViolations(at:)``), then I3 (the bytes equal
  /// those of the bitmap whose sequence the TSS records, ``claimedBitmap(_:in:)``: with
  /// ``Defect/tracksBitmapIdentity`` the bitmap whose identity it records, so an in-place change
  /// the defect skipped shows as I3) and I4 (a valid base only for a current thread with
  /// TIF_IO_BITMAP), from the reference §4.3.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    invariantViolations(in: state, kernel: kernel, currents: currents, within: .everything)
  }

  /// The same rules at the CPUs in `scope`.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>, within scope: InvariantScope
  ) -> [InvariantViolation] {
    var problems = state.layoutViolations(within: scope)
    for cpu in state.cpus.indices where scope.contains(cpu) {
      let tss = state.cpus[cpu].tss
      if let (id, source) = claimedBitmap(tss.prevSequence, in: kernel), !tss.holds(source, bytes: tss.dirtyBytes) {
        problems.append(InvariantViolation(.bytesDiffer(from: id), at: .cpu(cpu)))
      }
      if tss.validBaseWithoutFlag(current: currents.indices.contains(cpu) ? currents[cpu] : nil, kernel: kernel) {
        problems.append(InvariantViolation(.validBaseWithoutFlag, at: .cpu(cpu)))
      }
    }
    return problems
  }
}
