import ArgumentParser
import IOPBScenario
import IOPBStrategies

extension IOPB {
  /// `iopb run FILE...`: runs scenario files on the model.
  public struct Run: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Run scenario files on the model and check their expectations.",
      discussion: "The scenario format is described in docs/scenarios.md.")

    @Argument(help: "Scenario files (.scn).")
    var files: [String]

    @Option(name: .long, help: "Switch strategy (see `iopb strategies`).")
    var strategy: String = StrategyCatalog.defaultName

    @Flag(name: .long, help: "Show the machine steps behind every scenario step.")
    var trace = false

    public init() {}

    public func validate() throws {
      guard StrategyCatalog.strategy(named: strategy) != nil else {
        throw ValidationError(
          "unknown strategy '\(strategy)'; known: \(StrategyCatalog.names.joined(separator: ", "))")
      }
    }

    public func run() throws {
      try ScenarioCommand.run(files: files, strategy: strategy, trace: trace).emit()
    }
  }
}
