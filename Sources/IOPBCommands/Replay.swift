import ArgumentParser
import IOPBCost
import IOPBReports
import IOPBSimulator
import IOPBStrategies
import IOPBText
import IOPBTrace

extension IOPB {
  /// `iopb replay TRACE…`: the cost of each switch strategy on a recorded Linux scheduler trace
  /// (docs/replay.md).
  public struct Replay: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Compare switch strategies on a recorded Linux scheduler trace.",
      discussion: """
        Reads the text of Linux's tracing (tracefs' trace or trace_pipe, or trace-cmd report; \
        gzip-compressed or not; - for standard input) and replays its sched_switch, \
        sched_wakeup*, sched_migrate_task and sched_process_fork/exec/exit events on the \
        machine under each strategy, with --ioperm tasks touching their ports each time they \
        run. Prints what `iopb compare` prints, the trace as the workload. Exits 1 for a \
        violation no declared limitation explains, 64 for a bad option, 65 for an unreadable \
        trace or, with --strict, its first malformed line. See docs/replay.md.
        """)

    /// Trace files; `-` is standard input.
    @Argument(help: "Trace files (tracefs trace or trace_pipe, trace-cmd report), .gz or not; - for standard input.")
    var traces: [String]

    @OptionGroup var ioPortUsers: IOPortUserOptions

    @Option(help: "Port accesses an I/O-port user makes each time it runs.")
    var accesses = TraceReplayOptions().accessesPerRun

    @Option(help: "The machine's CPU count (default: the trace's header, else the highest CPU seen + 1).")
    var cpus: Int?

    @Option(help: "Bytes a running task touches per microsecond, for the cache model.")
    var touchRate = TraceReplayOptions().touchBytesPerMicrosecond

    @Option(help: "Stop each trace after this many events (the results are then partial).")
    var maxEvents: Int?

    @Flag(help: "Treat the first malformed line as fatal (exit 65).")
    var strict = false

    @Option(name: .customLong("strategy"), help: "A strategy (repeatable; default: all, see `iopb strategies`).")
    var strategies: [StrategyName] = []

    @OptionGroup var profileOptions: ProfileOptions

    @Option(help: "Output format.")
    var format = ReportFormatName(ReportFormat.table.rawValue)

    public init() {}

    /// Rejects a malformed --ioperm, a count ≤ 0, an unknown strategy or format, a bad --set.
    public func validate() throws {
      _ = try choices()
    }

    /// `EX_DATAERR` (sysexits.h): the trace cannot be read or, with --strict, is malformed.
    public static let dataError: Int32 = 65

    /// Replays each trace: exit 0 when every run is clean, 1 for an unexplained violation or a
    /// failure, 64 for options ``validate()`` rejects or a bad profile, 65 for a trace that
    /// cannot be read or (with --strict) a malformed line, as `FILE:LINE: error: …`.
    public func execute(progress: ((String) -> Void)? = nil) -> CommandOutput {
      let chosen: Choices
      do { chosen = try choices() } catch { return .usage(error.message) }
      let profile: CycleProfile
      do { profile = try profileOptions.cycleProfile() } catch { return .usage(error.description) }
      var output: [String] = []
      var diagnostics: [String] = []
      var worst: Int32 = 0
      for trace in traces {
        let result: TraceReplayResult
        do {
          var options = chosen.options
          options.name = TraceReplay.workloadName(of: trace)
          let reader = try TraceReader(path: trace, strict: strict)
          result = try TraceReplay.compare(
            reader: reader, options: options, strategies: chosen.strategies, profile: profile
          ) { events, live, _ in
            if events % (1 << 18) == 0 { progress?("\(trace): \(events) events, \(live) live tasks") }
          }
        } catch {
          diagnostics.append(error.description)
          worst = max(worst, Self.dataError)
          continue
        }
        let summary = Self.summary(of: result, trace: trace)
        switch chosen.format {
        case .table: output.append((summary + [result.comparison.rendered(as: .table)]).joined(separator: "\n"))
        case .csv, .json:
          output.append(result.comparison.rendered(as: chosen.format))
          diagnostics += summary.map { "note: " + $0 }
        }
        diagnostics += result.statistics.firstMalformed.map { "warning: " + $0.description.replacing(": error: ", with: ": ") }
        if result.statistics.malformedLines > result.statistics.firstMalformed.count {
          diagnostics.append(
            "warning: \(trace): \(result.statistics.malformedLines - result.statistics.firstMalformed.count) more malformed lines")
        }
        let problems = result.comparison.problems
        diagnostics += problems.map { "error: " + $0 } + result.comparison.expectedViolations.map { "note: " + $0 }
        if !problems.isEmpty { worst = max(worst, 1) }
      }
      return CommandOutput(
        output: output.joined(separator: "\n\n"), diagnostics: diagnostics.joined(separator: "\n"), exitCode: worst)
    }

    public func run() throws {
      let output = execute(progress: IOPB.Check.Explore.terminalProgress)
      IOPB.Check.Explore.terminalProgress?("")
      try output.emit()
    }

    /// What the trace held and how it fitted the model, a few lines.
    static func summary(of result: TraceReplayResult, trace: String) -> [String] {
      let statistics = result.statistics
      let notes = result.notes
      let seconds = Double((statistics.lastTimestamp ?? 0) &- (statistics.firstTimestamp ?? 0)) / 1e9
      return [
        "trace \(trace): \(statistics.lines) lines, \(statistics.events) events over \(FixedPoint.format(seconds, digits: 3)) s"
          + (result.partial ? " (stopped at --max-events)" : "") + ": \(statistics.switches) switches, "
          + "\(statistics.wakeups) wakeups, \(statistics.migrations) migrations, \(statistics.forks) forks, "
          + "\(statistics.execs) execs, \(statistics.exits) exits, \(statistics.otherEvents) other events ignored; "
          + "\(statistics.malformedLines) malformed lines, \(statistics.lostEventMarkers) lost-event markers",
        "model: \(notes.cpuCount) CPUs (from \(notes.cpuCountSource)), \(notes.tasksSeenFirst) tasks seen first, "
          + "\(notes.kernelThreads) kernel threads, at most \(notes.peakLiveTasks) live; \(notes.warmUpSwitches) warm-up switches "
          + "(unpriced), \(notes.repairedSwitches) repaired switches, \(notes.tasksWithoutExit) tasks without exit, "
          + "\(notes.eventsOutsideMachine) events past the CPUs, \(notes.compactions) compactions",
      ]
    }

    private struct Choices {
      var options: TraceReplayOptions
      var strategies: [any SwitchStrategy]
      var format: ReportFormat
    }

    private func choices() throws(ValidationError) -> Choices {
      guard !traces.isEmpty else { throw ValidationError("give at least one trace file, or - for standard input") }
      var options = TraceReplayOptions()
      options.ioPortUsers = try ioPortUsers.users()
      guard (0...4096).contains(accesses) else { throw ValidationError("--accesses must be 0 to 4096, not \(accesses)") }
      guard (0...TraceReplayOptions.maximumTouchRate).contains(touchRate) else {
        throw ValidationError("--touch-rate must be 0 to \(TraceReplayOptions.maximumTouchRate), not \(touchRate)")
      }
      if let cpus, !(1...4096).contains(cpus) { throw ValidationError("--cpus must be 1 to 4096, not \(cpus)") }
      if let maxEvents { try RunLength.check(maxEvents, "--max-events", maximum: RunLength.events) }
      options.accessesPerRun = accesses
      options.touchBytesPerMicrosecond = touchRate
      options.cpuCount = cpus
      options.maxEvents = maxEvents
      try profileOptions.check()
      let chosen = try strategies.resolved()
      return Choices(options: options, strategies: chosen.isEmpty ? StrategyCatalog.all : chosen, format: try format.resolved())
    }
  }
}
