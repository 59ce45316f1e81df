/// The oracle's verdict over a set of scenarios.
public struct OracleReport: Sendable, Hashable {
  public var scenarios = 0
  public var steps = 0
  /// Steps the guest never reached because it stopped early (a time bound, a crash).
  public var unreached = 0
  public var disagreements: [OracleDisagreement] = []
  /// Scenarios not sent to the guest, or sent only up to a model-only step, with the reason.
  public var skipped: [String] = []
  /// Model-side problems: a violation or a step the model could not take.
  public var modelProblems: [String] = []
  /// The guest kernel's release, as the agent reported it.
  public var kernelRelease: String?

  public init(scenarios: Int = 0) { self.scenarios = scenarios }

  public var agrees: Bool { disagreements.isEmpty && modelProblems.isEmpty }

  /// One line: scenarios, steps, disagreements.
  public var summary: String {
    "oracle: \(scenarios) scenarios, \(steps) steps compared, \(disagreements.count) disagreements"
      + (unreached == 0 ? "" : ", \(unreached) steps not reached")
      + (kernelRelease.map { " (kernel \($0))" } ?? "")
      + (skipped.isEmpty ? "" : ", \(skipped.count) cut short or skipped")
  }
}

extension OracleReport {
  /// Adds the verdict over more scenarios (another boot of the same run) to this one.
  public mutating func add(_ other: OracleReport) {
    scenarios += other.scenarios
    steps += other.steps
    unreached += other.unreached
    disagreements += other.disagreements
    skipped += other.skipped
    modelProblems += other.modelProblems
    kernelRelease = kernelRelease ?? other.kernelRelease
  }
}
