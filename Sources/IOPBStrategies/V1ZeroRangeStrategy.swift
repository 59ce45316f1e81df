import IOPBCPU
import IOPBCost
import IOPBKernel

/// Thomas Gleixner's V1 5/9 (`v1-zero-range`): as V1 4/9, but each bitmap and each TSS track
/// the range from their first to their last zero bit, and a switch to a bitmap user copies only
/// the span covering both ranges, so a thread using only port 0xFFFF copies 8 bytes, not 8 KiB.
///
/// Source: "[patch 5/9] x86/ioport: Reduce ioperm impact for sane usage further"
/// (`<20191106202806.241007755@linutronix.de>`), tracking `io_zerobits_start`/`io_zerobits_end`
/// in the thread and the TSS. Its admitted worst case, one thread with only byte 0 cleared and
/// the next with only the last, still copies everything; V2 dropped it for the sequence number
/// (linux-ioperm.md §6.2). The range is kept in whole longs, as the kernel keeps `max`.
///
/// `iopl(3)` points the base at the all-zero `mapall` of V1 7/9 (c8137ace5638).
public struct V1ZeroRangeStrategy: InstallingStrategy {
  public struct CPUState: CPURecord {
    public var tss: BitmapTSS
    /// Bytes of the bitmap area that may hold zero bits; all others are 0xFF.
    public var zeroBits: Range<Int> = 0..<0
    /// The zero-bit ranges of recent bitmaps: the patch keeps a thread's range in
    /// `io_zerobits_start`/`io_zerobits_end`, set by `ioperm()`, where the model would scan the
    /// bitmap at every switch.
    public var recentRanges = ViewMemo<Range<Int>>()
  }

  public typealias State = PerCPUState<CPUState>

  public init() {}

  public var name: String { "v1-zero-range" }

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String { "2019 thread: Gleixner, [patch 5/9] x86/ioport: Reduce ioperm impact for sane usage further" }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String { "as v1-invalidate, copying only the span of both zero-bit ranges" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(CPUState(tss: BitmapTSS(portCount: kernel.portCount)), count: cpuCount)
  }

  public func install(
    _ thread: ThreadID?, into cpuState: inout CPUState, kernel: Kernel, counts: inout OperationCounts
  ) {
    let view = PortView(of: thread, in: kernel)
    if case .map = view, let thread, let bitmap = kernel.bitmap(of: thread) {
      let next =
        kernel.configuration.deviations.isEmpty
        ? cpuState.recentRanges.value(of: view) { bitmap.zeroBitsRange } : bitmap.zeroBitsRange
      let held = cpuState.zeroBits
      let span = held.isEmpty ? next : min(held.lowerBound, next.lowerBound)..<max(held.upperBound, next.upperBound)
      cpuState.tss.copy(bitmap, range: span, counts: &counts)
      cpuState.zeroBits = next
      cpuState.tss.dirtyBytes = next.upperBound
    }
    cpuState.tss.point(at: view, rewriting: .validOffset, counts: &counts)
  }

  /// I1 and I2 of every TSS, and 0xFF before the tracked zero-bit range.
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
      let map = record.tss.layout.validMap
      let before = record.tss.segment.bytes[map..<map + record.zeroBits.lowerBound]
      return before.contains { $0 != 0xFF } ? .zeroBeforeTrackedRange : nil
    }
  }
}
