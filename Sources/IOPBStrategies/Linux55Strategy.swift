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
    /// The copy covers only the incoming `max`, not `prev_max`: the shape of the stale-bits hole
    /// Andy Lutomirski found in V2 06/16 (there in `ksys_ioperm()`'s first call, which copied
    /// only the caller's range over another thread's bits), injected at the exit-to-user copy.
    case copiesOnlyIncomingMax = "copies-only-incoming-max"
    /// Exit to user never calls `refresh_tss_limit()` after a VM exit.
    case skipsLimitRefresh = "skips-limit-refresh"
  }

  /// The defects injected into this instance; empty for the real design.
  public var defects: Set<Defect>

  public init(defects: Set<Defect> = []) { self.defects = defects }

  public var name: String {
    defects.isEmpty ? "linux-5.5" : "linux-5.5+" + defects.map(\.rawValue).sorted().joined(separator: "+")
  }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(PlainCPU(tss: BitmapTSS(portCount: kernel.portCount)), count: cpuCount)
  }

  // MARK: When the paravirt operations run

  /// `__switch_to_xtra()`: TIF_IO_BITMAP is only in `_TIF_WORK_CTXSW_PREV`, so only the
  /// outgoing thread matters.
  public func invalidatesAtSwitch(from previous: ThreadID?, kernel: Kernel) -> Bool {
    guard let previous else { return false }
    return kernel[previous].needsIOBitmapUpdate && !defects.contains(.keepsBaseOnSwitchOut)
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
    update(&context.state.cpus[cpu].tss, for: thread, kernel: context.kernel, counts: &context.counts)
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

  /// `native_tss_update_io_bitmap()` for `thread`, which has TIF_IO_BITMAP: `mapall` at level 3,
  /// else the bitmap (copied when ``BitmapTSS/prevSequence`` differs), then
  /// `refresh_tss_limit()`.
  public func update(
    _ tss: inout BitmapTSS, for thread: ThreadID, kernel: Kernel, counts: inout OperationCounts
  ) {
    if kernel[thread].ioplEmulation == 3 {
      tss.setBase(tss.layout.validAll, counts: &counts)
    } else if let bitmap = kernel.bitmap(of: thread) {
      counts.sequenceCompares += 1
      copyIfStale(bitmap, into: &tss, counts: &counts)
      tss.setBase(tss.layout.validMap, counts: &counts)
    } else {
      // WARN_ON_ONCE(!iobm) since 8b68e978718f: cannot happen with a consistent flag.
      tss.setBase(tss.layout.invalid, counts: &counts)
    }
    if !defects.contains(.skipsLimitRefresh) { tss.refreshLimit(counts: &counts) }
  }

  /// `tss_copy_io_bitmap()` when `prev_sequence` differs: copy max(prev_max, max) bytes (only
  /// `max` with the stale-bits defect) and record the new max and sequence.
  func copyIfStale(_ bitmap: IOBitmap, into tss: inout BitmapTSS, counts: inout OperationCounts) {
    guard tss.prevSequence != bitmap.sequence else { return }
    tss.copyOver(bitmap, coveringPrevious: !defects.contains(.copiesOnlyIncomingMax), counts: &counts)
    tss.prevSequence = bitmap.sequence
  }

  // MARK: Invariants

  /// I1 and I2 of every TSS (``BitmapTSS/invariantViolations(at:)``), then I3 (the bytes equal
  /// those of the bitmap whose sequence the TSS records) and I4 (a valid base only for a current
  /// thread with TIF_IO_BITMAP), from the reference §4.3.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    var problems = state.layoutViolations
    for cpu in state.cpus.indices {
      let tss = state.cpus[cpu].tss
      let sequence = tss.prevSequence
      if sequence != 0,
        let (id, source) = kernel.bitmaps.first(where: { $0.value.sequence == sequence }),
        !tss.holds(source, bytes: tss.dirtyBytes)
      {
        problems.append(InvariantViolation(.bytesDiffer(from: id), at: .cpu(cpu)))
      }
      if tss.base == tss.layout.validMap || tss.base == tss.layout.validAll {
        let current = currents.indices.contains(cpu) ? currents[cpu] : nil
        if current.map({ kernel[$0].needsIOBitmapUpdate }) != true {
          problems.append(InvariantViolation(.validBaseWithoutFlag, at: .cpu(cpu)))
        }
      }
    }
    return problems
  }
}
