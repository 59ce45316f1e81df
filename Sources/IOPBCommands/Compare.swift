import ArgumentParser
import IOPBCost
import IOPBReports
import IOPBSimulator
import IOPBStrategies

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

    /// Built-in workload names; empty means all.
    @Option(name: .customLong("workload"), help: "A built-in workload (repeatable; default: all).")
    var workloads: [WorkloadName] = []

    /// Strategy names; empty means the whole catalogue.
    @Option(name: .customLong("strategy"), help: "A strategy (repeatable; default: all, see `iopb strategies`).")
    var strategies: [StrategyName] = []

    @OptionGroup var runOptions: RunOptions

    @Option(help: "Output format.")
    var format = ReportFormatName(ReportFormat.table.rawValue)

    /// Replaces every workload's bound on engine events (runs that reach it are partial).
    @Option(help: "Stop each run after this many engine events (its results are then partial).")
    var maxEvents: Int?

    /// Print every count of every run in one table instead of each workload's ranking.
    @Flag(help: "With the table format: one table with every count of every run instead of a ranking per workload.")
    var wide = false

    /// Seconds after which the comparison stops, printing what it ran (the last run partial).
    @Option(help: "Stop after this many seconds and print the runs so far (exit 3); SIGINT does the same.")
    var timeout: Double?

    /// Print only the profile, every figure with its source, in the profile file format.
    @Flag(help: "Print the cycle profile with the source of every figure, and run nothing.")
    var showProfile = false

    public init() {}

    /// Rejects an unknown format, workload or strategy name, a count ≤ 0 or above its maximum
    /// (``RunLength``), a malformed `--set` and a timeout that is not a positive number of seconds.
    public func validate() throws {
      _ = try choices()
    }

    /// Runs the comparison: exit 0 when every run is clean; 1 when any run failed or has a
    /// violation its strategy's declared limitations do not explain (the explained ones are
    /// listed as notes); 64 for a profile file that cannot be read or is malformed (one line
    /// naming the file), or for options ``validate()`` rejects; 3 when `--timeout` or SIGINT
    /// stopped it (the runs so far are printed, the last one partial).
    public func execute() -> CommandOutput {
      let chosen: Choices
      do { chosen = try choices() } catch { return .usage(error.message) }
      let cycleProfile: CycleProfile
      do { cycleProfile = try runOptions.profileOptions.cycleProfile() } catch { return .usage(error.description) }
      if showProfile { return CommandOutput(output: cycleProfile.fileText) }
      var workloads = chosen.workloads.isEmpty ? Workload.builtIn : chosen.workloads
      if let maxEvents {
        for index in workloads.indices { workloads[index].maxEvents = maxEvents }
      }
      let strategies = chosen.strategies.isEmpty ? StrategyCatalog.all : chosen.strategies
      let longRun = LongRun("compare", timeout: timeout)
      let comparison = Comparison.run(
        workloads: workloads, strategies: strategies, profile: cycleProfile, seed: runOptions.seed,
        duration: runOptions.switches.map { .switches($0) }, control: longRun.control { "run" })
      longRun.finish()
      let problems = comparison.problems
      let notes = comparison.expectedViolations.map { "note: " + $0 }
      var output = CommandOutput(
        output: comparison.rendered(as: chosen.format, wide: wide),
        diagnostics: (problems.map { "error: " + $0 } + notes).joined(separator: "\n"),
        exitCode: problems.isEmpty ? 0 : 1)
      if longRun.wasStopped {
        let total = workloads.count * strategies.count
        output.diagnostics += (output.diagnostics.isEmpty ? "" : "\n")
          + "compare: \(longRun.reason) after \(comparison.rows.count) of \(total) runs; the last is partial"
        output.exitCode = CommandOutput.stopped
      }
      return output
    }

    public func run() throws {
      LongRun.installInterruptHandler()
      try execute().emit()
    }

    /// The format, workloads and strategies the options name; empty lists mean all.
    private typealias Choices = (format: ReportFormat, workloads: [Workload], strategies: [any SwitchStrategy])

    /// What the options choose, once the counts and the `--set` lines are known to be well formed.
    private func choices() throws(ValidationError) -> Choices {
      if let maxEvents { try RunLength.check(maxEvents, "--max-events", maximum: RunLength.events) }
      try RunLength.check(timeout: timeout)
      try runOptions.check()
      return (try format.resolved(), try workloads.resolved(), try strategies.resolved())
    }
  }
}
