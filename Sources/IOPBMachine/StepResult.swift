import IOPBStrategies

/// The result of a step: its outcome and, for a user instruction, any violation of the double
/// check (the CPU on the TSS bytes against the thread's entitlement).
public struct StepResult: Sendable, Hashable {
  public var outcome: StepOutcome
  public var violation: Violation?

  public init(outcome: StepOutcome, violation: Violation? = nil) {
    self.outcome = outcome
    self.violation = violation
  }
}
