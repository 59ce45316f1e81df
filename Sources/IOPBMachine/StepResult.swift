import IOPBStrategies

/// The result of a step: its outcome and its violations: for a user instruction any failure of
/// the double check (the CPU on the TSS bytes against the thread's entitlement); for any step a
/// fault the modelled kernel code took, or the loss of the reference kernel.
public struct StepResult: Sendable, Hashable, Codable {
  public var outcome: StepOutcome
  /// Every violation of the step, in the order they happened (faults during the step last).
  public var violations: [Violation]

  /// The first of ``violations``, if any.
  public var violation: Violation? { violations.first }

  public init(outcome: StepOutcome, violation: Violation? = nil) {
    self.outcome = outcome
    violations = violation.map { [$0] } ?? []
  }

  public init(outcome: StepOutcome, violations: [Violation]) {
    self.outcome = outcome
    self.violations = violations
  }
}
