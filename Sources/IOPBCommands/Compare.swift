import ArgumentParser
import IOPBReports
import IOPBSimulator

extension IOPB {
  /// `iopb compare`: runs workloads under strategies and reports what each strategy adds per
  /// context switch.
  public struct Compare: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Compare switch strategies on simulated workloads.",
      discussion: """
        With no arguments, runs every built-in workload under every strategy with the default \
        cycle profile (costs.md §4). Exits 1 if an access violated the double check (unless the \
        strategy declares that limitation) and 64 for an unknown name or a malformed profile.

        Workloads:
        """ + "\n" + Workload.builtIn.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n")
        + "\n\nReproductions (by name only; use --profile molnar-2004):\n"
        + Workload.reproductions.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n"))

    @Option(name: .customLong("workload"), help: "A built-in workload (repeatable; default: all).")
    var workloads: [String] = []

    @Option(name: .customLong("strategy"), help: "A strategy (repeatable; default: all, see `iopb strategies`).")
    var strategies: [String] = []

    @Option(help: "A built-in profile (default, molnar-2004) or a profile file.")
    var profile: String?

    @Option(name: .customLong("set"), help: "Override one profile figure, e.g. --set ltr=20 (repeatable).")
    var settings: [String] = []

    @Option(help: "Output format: table, csv or json.")
    var format: String = "table"

    @Option(help: "Seed replacing every workload's own.")
    var seed: UInt64?

    @Option(help: "Run each workload for this many context switches instead of its duration.")
    var switches: Int?

    @Option(help: "Stop each run after this many engine events (its results are then partial).")
    var maxEvents: Int?

    @Flag(help: "Print the cycle profile with the source of every figure, and run nothing.")
    var showProfile = false

    public init() {}

    public func run() throws {
      var request = CompareRequest()
      request.workloads = workloads
      request.strategies = strategies
      request.profile = profile
      request.settings = settings
      request.format = format
      request.seed = seed
      request.switches = switches
      request.maxEvents = maxEvents
      request.showProfile = showProfile
      try request.execute().emit()
    }
  }
}
