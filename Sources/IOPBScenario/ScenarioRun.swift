import IOPBCost
import IOPBKernel

/// The result of running one scenario on the model, as typed values; `IOPBReports` renders it.
public struct ScenarioRun: Sendable, Hashable, Codable {
  public var scenario: Scenario
  public var strategy: String
  public var records: [StepRecord] = []
  public var counts = OperationCounts()
  /// Set when a step could not be taken; the run stopped there.
  public var error: ScenarioError?
  /// The scenario's name for each thread the run created.
  public var threadNames: [ThreadID: String] = [:]

  public init(scenario: Scenario, strategy: String) {
    self.scenario = scenario
    self.strategy = strategy
  }

  public var failures: [StepRecord] { records.filter { !$0.passed } }
  public var violationCount: Int { records.reduce(0) { $0 + $1.violations.count } }
  public var passed: Bool { error == nil && failures.isEmpty }
  /// The steps that carry an expectation.
  public var expectationCount: Int { records.count { $0.step.expectation != nil } }

  /// `thread` as the scenario names it (every thread the run creates has a name).
  public func name(of thread: ThreadID) -> String { threadNames[thread] ?? thread.description }
}
