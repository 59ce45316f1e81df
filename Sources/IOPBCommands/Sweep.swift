import ArgumentParser
import Foundation
import IOPBCost
import IOPBReports
import IOPBSimulator
import IOPBStrategies

extension IOPB {
  /// `iopb sweep`: one or two cost figures or workload parameters over a grid; each strategy's
  /// added cycles per switch at every point, and where the cheapest design changes.
  public struct Sweep: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Sweep cost figures or workload parameters and find where the cheapest design changes.",
      discussion: """
        --axis NAME=SPEC, once or twice (crossovers run along the first; a second axis with one \
        value fixes that parameter). SPEC is FROM...TO:STEP, FROM...TO:xFACTOR (a geometric grid), \
        a list A,B,C, or one value; NAME alone takes the default grid below.

        NAME is a profile key (\(CostKey.allCases.map(\.rawValue).joined(separator: ", "))), \
        copy.residency (auto, l1, l2, cold), or a parameter of the round-robin workload: extent \
        (the bitmap's bytes, 8 to 8192 in 8-byte longs) or io-share (the share of switches whose \
        incoming thread holds a bitmap, in steps of 1/\(Workload.roundRobinThreads)).

        Default grids (costs.md §4 where it cites a range):
        """ + "\n"
        + SweepParameter.knownNames.compactMap { name in
          SweepParameter(name: name)?.defaultSpecification.map { "  \(name)=\($0)" }
        }.joined(separator: "\n") + "\n\n"
        + """
        Profile figures and the residency re-price the operations counted in one run per \
        workload and strategy; extent, io-share and the cache sizes run the simulation again. \
        Without --workload the sweep runs the round-robin workload (\(Workload.roundRobinThreads) \
        RT threads on one CPU, default extent 8192 and io-share 0.5); --workload picks built-in \
        workloads for profile axes. A crossover is interpolated linearly between the two grid \
        points around it. Exits 1 when a run has a violation its strategy's limitations do not \
        explain, 64 for a malformed option (one line).
        """)

    @Option(name: .customLong("axis"), help: "NAME=SPEC, e.g. invlpg=100...1000:50 or extent=8...8192:x2 (once or twice).")
    var axes: [String] = []

    @Option(name: .customLong("workload"), help: "A built-in workload for profile axes (repeatable; default: round-robin).")
    var workloads: [WorkloadName] = []

    @Option(name: .customLong("strategy"), help: "A strategy (repeatable; default: the whole catalogue).")
    var strategies: [StrategyName] = []

    @OptionGroup var options: RunOptions

    @Option(help: "The round-robin workload's bitmap extent in bytes where no axis sets it.")
    var extent = 8192

    @Option(help: "The round-robin workload's io-share where no axis sets it.")
    var ioShare = 0.5

    @Option(help: "Output format.")
    var format = ReportFormatName(ReportFormat.table.rawValue)

    public init() {}

    public func validate() throws {
      do { _ = try prepared() } catch { throw ValidationError(error.description) }
    }

    /// Runs the sweep: exit 0 when every run is clean or stopped at a violation its strategy's
    /// declared limitations explain, 1 otherwise (listed as `error:` lines), 64 for a malformed
    /// option or profile.
    public func execute(progress: ((String) -> Void)? = nil) -> CommandOutput {
      let sweep: IOPBSimulator.Sweep
      let format: ReportFormat
      do { (sweep, format) = try prepared() } catch { return .usage(error.description) }
      let result: SweepResult
      do { result = try sweep.run(progress: progress) } catch { return .usage(error.description) }
      let problems = result.problems
      return CommandOutput(
        output: result.rendered(as: format), diagnostics: problems.map { "error: " + $0 }.joined(separator: "\n"),
        exitCode: problems.isEmpty ? 0 : 1)
    }

    public func run() throws {
      try execute(progress: RunOptions.terminalLines).finishProgress().emit()
    }

    /// The sweep the options describe, every value checked.
    func prepared() throws(CommandLineProblem) -> (IOPBSimulator.Sweep, ReportFormat) {
      let chosenFormat: ReportFormat
      do { chosenFormat = try format.resolved() } catch { throw CommandLineProblem(error.message) }
      var parsedAxes: [SweepAxis] = []
      for text in axes {
        do { parsedAxes.append(try SweepAxis.parse(text)) } catch { throw CommandLineProblem(error.description) }
      }
      let chosenWorkloads: [Workload]?
      let chosenStrategies: [any SwitchStrategy]
      do {
        chosenWorkloads = workloads.isEmpty ? nil : try workloads.resolved()
        chosenStrategies = strategies.isEmpty ? StrategyCatalog.all : try strategies.resolved()
      } catch { throw CommandLineProblem(error.message) }
      let base = try options.cycleProfile()
      if let problem = SweepParameter.extent.problem(with: .number(Double(extent))) {
        throw CommandLineProblem("--extent: \(problem)")
      }
      if let problem = SweepParameter.ioShare.problem(with: .number(ioShare)) {
        throw CommandLineProblem("--io-share: \(problem)")
      }
      var sweep = IOPBSimulator.Sweep(
        axes: parsedAxes, workloads: chosenWorkloads, strategies: chosenStrategies, profile: base, seed: options.seed,
        switches: options.switches)
      sweep.extentBytes = extent
      sweep.ioShare = ioShare
      if let problem = sweep.problem { throw CommandLineProblem(problem.description) }
      return (sweep, chosenFormat)
    }
  }
}
