import IOPBCPU
import IOPBCost
import IOPBKernel

/// A design that gives every CPU a TSS of its own and does one thing both at a switch to a
/// thread and after the running thread's permissions changed: bring the CPU's TSS in step with
/// that thread (``install(_:into:kernel:counts:)``).
public protocol InstallingStrategy: SwitchStrategy where State: PerCPUTSSState {
  /// Makes `record`, the record of the CPU concerned, what the design installs for `thread`
  /// (nil: the idle task).
  func install(
    _ thread: ThreadID?, into record: inout State.Record, kernel: Kernel, counts: inout OperationCounts)
}

extension InstallingStrategy {
  /// Installs the incoming thread.
  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    install(next, into: &context.state.cpus[cpu], kernel: context.kernel, counts: &context.counts)
  }

  /// Installs the running thread again.
  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    install(thread, into: &context.state.cpus[cpu], kernel: context.kernel, counts: &context.counts)
  }
}
