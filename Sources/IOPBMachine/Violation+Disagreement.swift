import IOPBKernel
import IOPBStrategies

extension Violation {
  /// This violation in the strategies layer's terms.
  public var disagreement: PermissionDisagreement {
    switch kind {
    case .leak(let access, _):
      PermissionDisagreement(.leak, thread: thread, cpu: cpu, ports: access.ports)
    case .wrongDenial(let access, _):
      PermissionDisagreement(.wrongDenial, thread: thread, cpu: cpu, ports: access.ports)
    case .interruptFlagChanged:
      PermissionDisagreement(.interruptFlagChanged, thread: thread, cpu: cpu)
    }
  }
}

extension Machine {
  /// True when a limitation the strategy declares explains `violation`, judged on the machine
  /// as it is right after the step that reported it.
  public func limitationExplains(_ violation: Violation) -> Bool {
    strategy.limitationExplains(violation.disagreement, kernel: kernel, state: state.strategy)
  }
}
