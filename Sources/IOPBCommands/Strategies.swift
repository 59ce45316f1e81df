import ArgumentParser
import IOPBStrategies

extension IOPB {
  /// `iopb strategies`: lists the switch strategies, one name a line.
  public struct Strategies: ParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "List the switch strategies.")

    public init() {}

    /// The catalogue's names in catalogue order; always exit 0.
    public func execute() -> CommandOutput {
      CommandOutput(output: StrategyCatalog.names.joined(separator: "\n"))
    }

    public func run() throws {
      try execute().emit()
    }
  }
}
