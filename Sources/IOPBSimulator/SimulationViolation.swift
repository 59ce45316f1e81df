import IOPBStrategies

/// A violation a simulated run met, at the simulated time it happened: a failure of the double
/// check (or a kernel fault) at a step, or a broken invariant at a check. The run stops at its
/// first.
public struct SimulationViolation: Sendable, Hashable, Codable {
  /// What went wrong.
  public enum Finding: Sendable, Hashable, Codable {
    /// A step's violation (``IOPBStrategies/Violation``).
    case step(Violation)
    /// A broken invariant found by the periodic check (`checkingInvariants`).
    case invariant(InvariantViolation)

    enum StepCodingKeys: String, CodingKey { case _0 = "violation" }
    enum InvariantCodingKeys: String, CodingKey { case _0 = "violation" }
  }

  /// Simulated time, in microseconds since the run started.
  public var microseconds: Int
  public var finding: Finding
  /// True when a limitation the strategy declares explains it
  /// (``IOPBStrategies/SwitchStrategy/limitationExplains(_:kernel:state:)``); never for a broken
  /// invariant.
  public var explained: Bool

  public init(microseconds: Int, finding: Finding, explained: Bool) {
    self.microseconds = microseconds
    self.finding = finding
    self.explained = explained
  }
}
