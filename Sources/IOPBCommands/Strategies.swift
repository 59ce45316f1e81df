import ArgumentParser
import IOPBReports
import IOPBStrategies

extension IOPB {
  /// `iopb strategies`: each design with where it comes from, what a switch does, KPTI validity
  /// and its declared limitations.
  public struct Strategies: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "List the switch strategies: origin, mechanism, KPTI, limitations.",
      discussion: "docs/strategies.md has each design's sources and the model's departures from them.")

    /// Print the names only, one a line.
    @Flag(help: "Print only the names, one a line (the catalogue, then the variants).")
    var names = false

    public init() {}

    /// The catalogue in catalogue order, then its variants; always exit 0.
    public func execute() -> CommandOutput {
      if names { return CommandOutput(output: (StrategyCatalog.names + StrategyCatalog.variantNames).joined(separator: "\n")) }
      return CommandOutput(
        output: StrategyListing(catalogue: StrategyCatalog.all, variants: StrategyCatalog.variants).text)
    }

    public func run() throws {
      try execute().emit()
    }
  }
}
