import ArgumentParser
import IOPBStrategies

extension IOPB {
  /// `iopb strategies`: lists the switch strategies.
  public struct Strategies: ParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "List the switch strategies.")
    public init() {}
    public func run() { print(StrategyCatalog.names.joined(separator: "\n")) }
  }
}
