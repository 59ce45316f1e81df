import IOPBCost
import IOPBKernel

/// What one hook of a ``SwitchStrategy`` works on: the kernel as the step left it, the design's
/// own state, and the counts of the costly operations it performs.
///
/// The machine keeps one context for its whole life and lends it to each hook, so a hook
/// changes the design's state and counts in place and never copies a TSS.
public struct StrategyContext<State: Sendable & Hashable>: Sendable {
  /// The kernel; the machine changes it between hooks. A strategy reads it, and writes it only
  /// where the function it models writes thread state (`native_tss_update_io_bitmap()`'s
  /// `clear_thread_flag(TIF_IO_BITMAP)` in its WARN branch).
  public package(set) var kernel: Kernel
  /// Everything the design keeps: the TSSes the CPU reads and its bookkeeping.
  public var state: State
  /// Operations performed so far; observations, not state.
  public var counts: OperationCounts
  /// Faults the modelled kernel code took during the current step, in order; the machine takes
  /// them out after each step and returns them as violations. Observations, not state.
  public var faults: [KernelFault]

  public init(
    kernel: Kernel, state: State, counts: OperationCounts = OperationCounts(), faults: [KernelFault] = []
  ) {
    self.kernel = kernel
    self.state = state
    self.counts = counts
    self.faults = faults
  }
}
