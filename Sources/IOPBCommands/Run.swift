import ArgumentParser
import IOPBReports
import IOPBScenario
import IOPBStrategies

extension IOPB {
  /// `iopb run FILE...`: runs scenario files on the model and checks their expectations.
  public struct Run: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Run scenario files on the model and check their expectations.",
      discussion: "The scenario format is described in docs/scenarios.md.")

    /// Scenario files, run in order.
    @Argument(help: "Scenario files (.scn).")
    var files: [String]

    /// The strategy every file runs with.
    @Option(name: .long, help: "Switch strategy (see `iopb strategies`).")
    var strategy = StrategyName(StrategyCatalog.defaultName)

    /// Show the machine steps behind every scenario step.
    @Flag(name: .long, help: "Show the machine steps behind every scenario step.")
    var trace = false

    /// `text` for people, `json` for programs.
    @Option(help: "Output format.")
    var format = RunReportFormatName(RunReportFormat.text.rawValue)

    /// Judge only the double check and kernel faults, as `iopb check --no-invariants` does.
    @Flag(help: "Do not check the design's and the kernel's invariants after each step.")
    var noInvariants = false

    public init() {}

    /// Rejects an unknown strategy name or format.
    public func validate() throws {
      _ = try strategy.resolved()
      _ = try format.resolved()
    }

    /// Runs every file: exit 0 when all pass; 1 when a step fails or violates the double check;
    /// 64 when a file cannot be read or is malformed (its problems one line each, naming the
    /// file), or for options ``validate()`` rejects.
    public func execute() -> CommandOutput {
      let chosen: any SwitchStrategy
      let chosenFormat: RunReportFormat
      do {
        chosen = try strategy.resolved()
        chosenFormat = try format.resolved()
      } catch { return .usage(error.message) }
      var runs: [ScenarioRun] = []
      var diagnostics: [String] = []
      var malformed = false
      var failed = false
      for file in files {
        let scenario: Scenario
        do { scenario = try Scenario.load(contentsOf: file) } catch {
          malformed = true
          diagnostics += error.errors.map(\.description)
          continue
        }
        let run = Self.runScenario(scenario, chosen, checksInvariants: !noInvariants)
        runs.append(run)
        if let error = run.error {
          malformed = true
          diagnostics.append(error.description)
        } else if !run.passed {
          failed = true
        }
      }
      let output =
        switch chosenFormat {
        case .text: runs.map { $0.rendered(trace: trace) }.joined(separator: "\n\n")
        case .json: ScenarioRun.json(runs)
        }
      return CommandOutput(
        output: output, diagnostics: diagnostics.joined(separator: "\n"),
        exitCode: malformed ? CommandOutput.usageError : failed ? 1 : 0)
    }

    public func run() throws {
      try execute().emit()
    }

    private static func runScenario(
      _ scenario: Scenario, _ strategy: some SwitchStrategy, checksInvariants: Bool
    ) -> ScenarioRun {
      var runner = ScenarioRunner(scenario, strategy: strategy)
      runner.checksInvariants = checksInvariants
      return runner.run()
    }
  }
}
