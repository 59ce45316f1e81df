import IOPBKernel

/// A parsed scenario file: machine set-up and an ordered list of steps with expectations.
/// The text format is documented in `docs/scenarios.md`.
public struct Scenario: Sendable, Hashable, Codable {
  /// Where the scenario came from, used in every message (a path, or a generated name).
  public var source: String
  public var cpuCount = 1
  /// The kernel's configuration, with the deviations of `config deviation NAME` lines.
  public var kernel = KernelConfiguration()
  public var steps: [ScenarioStep] = []

  public init(source: String) { self.source = source }
}
