import IOPBMachine
import IOPBStrategies

/// What one scenario step did.
public struct StepRecord: Sendable, Hashable {
  public var step: ScenarioStep
  /// Machine steps taken for it: scheduling the thread first, then the step itself.
  public var machineSteps: [String]
  /// The user-visible outcome, for steps that have one.
  public var outcome: StepOutcome?
  public var violations: [Violation]
  /// Broken invariants after the step.
  public var invariantViolations: [InvariantViolation]

  /// False when the expectation is unmet, or a violation or broken invariant occurred.
  public var passed: Bool {
    guard violations.isEmpty, invariantViolations.isEmpty else { return false }
    guard let expectation = step.expectation else { return true }
    return outcome.map(expectation.isMet) ?? false
  }
}
