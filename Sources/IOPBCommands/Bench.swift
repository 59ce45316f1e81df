import ArgumentParser
import IOPBReports

extension IOPB {
  /// `iopb bench`: measures the simulator on this host and prints ratios side by side.
  public struct Bench: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Measure simulated switches per second, CPU check cost and copy cost vs memcpy.")

    @Option(help: "The built-in workload to time.")
    var workload: String = "high-port"

    @Option(name: .customLong("strategy"), help: "A strategy (repeatable; default: all).")
    var strategies: [String] = []

    @Option(help: "Context switches simulated per strategy.")
    var switches = 2000

    @Option(help: "CPU permission checks timed.")
    var checks = 1_000_000

    public init() {}

    public func run() throws {
      var request = BenchRequest()
      request.workload = workload
      request.strategies = strategies
      request.switches = switches
      request.checks = checks
      try request.execute().emit()
    }
  }
}
