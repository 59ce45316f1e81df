import IOPBCost
import IOPBKernel

/// What one hook of a ``SwitchStrategy`` works on: the kernel as the step left it, the design's
/// own state, and the counts of the costly operations it performs.
///
/// The machine keeps one context for its whole life and lends it to each hook, so a hook
/// changes the design's state and counts in place and never copies a TSS.
public struct StrategyContext<State: Sendable & Hashable>: Sendable {
  /// The kernel, read only for a strategy; the machine changes it between hooks.
  public package(set) var kernel: Kernel
  /// Everything the design keeps: the TSSes the CPU reads and its bookkeeping.
  public var state: State
  /// Operations performed so far; observations, not state.
  public var counts: OperationCounts

  public init(kernel: Kernel, state: State, counts: OperationCounts = OperationCounts()) {
    self.kernel = kernel
    self.state = state
    self.counts = counts
  }
}
