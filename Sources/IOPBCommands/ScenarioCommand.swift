import IOPBReports
import IOPBScenario
import IOPBStrategies

/// The logic of `iopb run`, callable in-process.
public enum ScenarioCommand {
  /// ``Scenario/load(contentsOf:)`` as a `Result`.
  public static func load(_ path: String) -> Result<Scenario, ScenarioErrors> {
    Result { () throws(ScenarioErrors) in try Scenario.load(contentsOf: path) }
  }

  /// Runs every file with the strategy `strategyName`: 0 when all pass, 1 when any step fails
  /// or violates the double check, 64 when any file is malformed.
  public static func run(files: [String], strategy strategyName: String, trace: Bool) -> CommandOutput {
    guard let strategy = StrategyCatalog.strategy(named: strategyName) else {
      return CommandOutput(output: "", diagnostics: "error: unknown strategy '\(strategyName)'", exitCode: CommandOutput.usageError)
    }
    var output: [String] = []
    var diagnostics: [String] = []
    var malformed = false
    var failed = false
    for file in files {
      switch load(file) {
      case .failure(let errors):
        malformed = true
        diagnostics += errors.errors.map(\.description)
      case .success(let scenario):
        let run = runScenario(scenario, strategy)
        output.append(run.render(trace: trace))
        if let error = run.error {
          malformed = true
          diagnostics.append(error.description)
        } else if !run.passed {
          failed = true
        }
      }
    }
    let code: Int32 = malformed ? CommandOutput.usageError : failed ? 1 : 0
    return CommandOutput(
      output: output.joined(separator: "\n\n"), diagnostics: diagnostics.joined(separator: "\n"),
      exitCode: code)
  }

  private static func runScenario(_ scenario: Scenario, _ strategy: some SwitchStrategy) -> ScenarioRun {
    ScenarioRunner.run(scenario, strategy: strategy)
  }
}
