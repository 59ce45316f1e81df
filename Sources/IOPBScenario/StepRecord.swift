import IOPBMachine
import IOPBStrategies

/// What one scenario step did, as typed values: the events of the machine steps taken for it and
/// the invariants broken after it. Text is rendered at the edge (`IOPBReports`).
public struct StepRecord: Sendable, Hashable, Codable {
  public var step: ScenarioStep
  /// What the machine did for the step: scheduling the thread first, then the step itself.
  public var events: [MachineEvent]
  /// Broken invariants after the step.
  public var invariantViolations: [InvariantViolation]

  public init(step: ScenarioStep, events: [MachineEvent] = [], invariantViolations: [InvariantViolation] = []) {
    self.step = step
    self.events = events
    self.invariantViolations = invariantViolations
  }

  /// The user-visible outcome, for steps that have one: the last machine step's other than
  /// ``IOPBMachine/StepOutcome/done``.
  public var outcome: StepOutcome? {
    for case .took(_, _, let result) in events.reversed() where result.outcome != .done { return result.outcome }
    return nil
  }

  /// Every violation of the machine steps, in order.
  public var violations: [Violation] { events.flatMap(\.violations) }

  /// True when the step has an expectation that its outcome does not meet.
  public var missedExpectation: Bool {
    guard let expectation = step.expectation else { return false }
    return !(outcome.map(expectation.isMet) ?? false)
  }

  /// False when the expectation is unmet, or a violation or broken invariant occurred.
  public var passed: Bool { violations.isEmpty && invariantViolations.isEmpty && !missedExpectation }
}

extension StepRecord: MachineObserver {
  /// Keeps `event` among the step's: the runner lends the record to the machine for each
  /// machine step it takes for the scenario step.
  public mutating func record(_ event: MachineEvent) { events.append(event) }
}
