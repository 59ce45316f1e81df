import ArgumentParser
import Foundation
import IOPBCost
import IOPBOracle
import IOPBReports
import IOPBSimulator
import IOPBStrategies
import IOPBText

extension IOPB {
  /// `iopb report`: one self-contained HTML page (inline SVG, no script, nothing fetched) with
  /// the added cycles per workload, the extent and I/O-share charts with their crossings and
  /// the cited bands of INVLPG and LTR, KPTI validity and limitations, the checker's mutants
  /// and the profile.
  public struct Report: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Write a self-contained HTML report with charts of the switch designs' costs.",
      discussion: """
        Writes DIR/report.html, and the two charts as DIR/extent.svg and DIR/io-share.svg. The \
        table covers every built-in workload under the chosen strategies (default: the whole \
        catalogue); the charts draw the --chart-strategy lines (default: \
        \(Report.defaultChartStrategies.joined(separator: ", "))) on the round-robin workload of \
        `iopb sweep`, with a band over the cited range of INVLPG and LTR (costs.md §4) for each \
        line whose cost depends on it. The checker's mutants come from a saved \
        `iopb check --mutants --format json` (--mutants FILE). scripts/render-report renders the \
        page to PNG with headless Chromium. Exits 64 for a malformed option or input file, 73 \
        when DIR cannot be written.

        --trace FILE adds a column for a recorded Linux sched trace, replayed as `iopb replay` \
        does (docs/replay.md), with the --ioperm users given; a trace that cannot be read exits \
        65.
        """)

    /// The charts' lines when `--chart-strategy` is not given: the designs of the 2019 thread's
    /// argument (the copy designs, Gerst's remap + INVLPG, Anvin's per-thread TSS + LTR), those
    /// of them the catalogue has.
    static let defaultChartStrategies = [
      "linux-5.5", "linux-2.6.8-full", "linux-4.x-eager", "remap-invlpg", "per-thread-tss-ltr",
    ]

    @Option(help: "The folder to write report.html and the SVGs into (created if missing).")
    var out = "iopb-report"

    @Option(name: .customLong("strategy"), help: "A strategy for the table (repeatable; default: the catalogue).")
    var strategies: [StrategyName] = []

    @Option(name: .customLong("chart-strategy"), help: "A line of the charts (repeatable; default: the thread's designs).")
    var chartStrategies: [StrategyName] = []

    @Option(name: .customLong("workload"), help: "A built-in workload for the table (repeatable; default: all).")
    var workloads: [WorkloadName] = []

    @OptionGroup var options: RunOptions

    @Option(help: "A saved `iopb check --mutants --format json` result to show.")
    var mutants: String?

    /// Traces replayed as more columns of the table.
    @Option(name: .customLong("trace"), help: "A Linux sched trace to replay as one more workload (repeatable).")
    var traces: [String] = []

    /// `--ioperm` for the traces, as `iopb replay` takes it.
    @OptionGroup var ioPortUsers: IOPortUserOptions

    public init() {}

    public func validate() throws {
      do { _ = try prepared() } catch { throw ValidationError(error.description) }
    }

    /// Builds and writes the report: exit 0 with the written paths; 64 for a malformed option,
    /// profile or mutants file; 73 when the folder or a file cannot be written.
    public func execute(progress: ((String) -> Void)? = nil) -> CommandOutput {
      let choices: Choices
      do { choices = try prepared() } catch { return .usage(error.description) }
      var data: ReportData
      do {
        data = try ReportData.build(
          profile: choices.profile, strategies: choices.strategies, chartStrategies: choices.chartStrategies,
          workloads: choices.workloads, seed: options.seed, switches: options.switches, progress: progress)
      } catch { return .usage(error.description) }
      data.checker = choices.checker
      for trace in traces {
        progress?("replaying \(trace)")
        do {
          let replayed = try TraceReplay.compare(
            trace: trace, options: choices.replay, strategies: choices.strategies, profile: choices.profile)
          data.workloads += ReportWorkload.columns(of: replayed.comparison, origin: "trace \(trace)")
        } catch {
          return CommandOutput(diagnostics: error.description, exitCode: IOPB.Replay.dataError)
        }
      }
      let report = HTMLReport(data)
      let files = [("report.html", report.html)] + report.svgFiles
      do {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
      } catch {
        return CommandOutput(
          diagnostics: "error: \(FileWriteError(path: out, operation: .createFolder, underlying: error))",
          exitCode: CommandOutput.cannotCreate)
      }
      for (name, text) in files {
        let path = out + "/" + name
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
          return CommandOutput(
            diagnostics: "error: \(FileWriteError(path: path, operation: .write, underlying: error))",
            exitCode: CommandOutput.cannotCreate)
        }
      }
      return CommandOutput(output: files.map { out + "/" + $0.0 }.joined(separator: "\n"))
    }

    public func run() throws {
      try execute(progress: RunOptions.terminalLines).finishProgress().emit()
    }

    private typealias Choices = (
      profile: CycleProfile, strategies: [any SwitchStrategy], chartStrategies: [any SwitchStrategy],
      workloads: [Workload], checker: CheckerSummary?, replay: TraceReplayOptions
    )

    /// What the options choose, every name, count and file checked.
    private func prepared() throws(CommandLineProblem) -> Choices {
      let chosenStrategies: [any SwitchStrategy]
      let chosenChart: [any SwitchStrategy]
      let chosenWorkloads: [Workload]
      do {
        chosenStrategies = strategies.isEmpty ? StrategyCatalog.all : try strategies.resolved()
        chosenChart =
          chartStrategies.isEmpty
          ? Self.defaultChartStrategies.compactMap { StrategyCatalog.strategy(named: $0) }
          : try chartStrategies.resolved()
        chosenWorkloads = workloads.isEmpty ? Workload.builtIn : try workloads.resolved()
      } catch { throw CommandLineProblem(error.message) }
      let chosenProfile = try options.cycleProfile()
      var checker: CheckerSummary?
      if let mutants {
        let contents: Data
        do throws(InputError) {
          contents = Data(try LineReader(path: mutants, byteLimit: IOPB.Check.Merge.fileByteLimit).remainingBytes())
        } catch { throw CommandLineProblem(error.description) }
        do { checker = try CheckerSummary.parse(contents, file: mutants) } catch {
          throw CommandLineProblem(error.description)
        }
      }
      var replay = TraceReplayOptions()
      do { replay.ioPortUsers = try ioPortUsers.users() } catch { throw CommandLineProblem(error.message) }
      return (chosenProfile, chosenStrategies, chosenChart, chosenWorkloads, checker, replay)
    }
  }
}
