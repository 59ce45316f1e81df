import IOPBScenario

// TODO(merge): remove once Oracle uses Scenario.load
/// The scenario loader under its old name, kept only so that the oracle branch merges.
enum ScenarioCommand {
  /// ``Scenario/load(contentsOf:)`` as a `Result`.
  static func load(_ path: String) -> Result<Scenario, ScenarioErrors> {
    Result { () throws(ScenarioErrors) in try Scenario.load(contentsOf: path) }
  }
}
