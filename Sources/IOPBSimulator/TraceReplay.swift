import IOPBCost
import IOPBStrategies
import IOPBTrace

/// What a replay produced: the comparison `iopb compare` would print, with the trace as its one
/// workload, what the trace held, and how it fitted the model.
public struct TraceReplayResult: Sendable {
  public var comparison: Comparison
  public var statistics: TraceStatistics
  public var notes: TraceReplayNotes
  /// True when the replay stopped at ``TraceReplayOptions/maxEvents``.
  public var partial: Bool
}

/// Replays a Linux scheduler trace on the machine under each strategy (docs/replay.md): the
/// cost question of `iopb compare` answered for a recorded workload instead of a synthetic one.
///
/// The trace is read once, streaming: every event goes to one ``Machine`` per strategy in turn,
/// so standard input works and memory does not grow with the trace's length.
public enum TraceReplay {
  /// Replays the trace at `path` (`-`: standard input; gzip or not) under `strategies`,
  /// priced with `profile`.
  ///
  /// - Throws: ``TraceReadError`` when the trace cannot be read, or, with `strict`, at its
  ///   first malformed line.
  public static func compare(
    trace path: String, options: TraceReplayOptions = TraceReplayOptions(), strategies: [any SwitchStrategy],
    profile: CycleProfile = .default, strict: Bool = false
  ) throws(TraceReadError) -> TraceReplayResult {
    let reader = try TraceReader(path: path, strict: strict)
    var options = options
    if options.name == nil { options.name = workloadName(of: path) }
    return try compare(reader: reader, options: options, strategies: strategies, profile: profile)
  }

  /// The workload's name for the trace at `path`: its file name, `stdin` for `-`.
  public static func workloadName(of path: String) -> String {
    path == "-" ? "stdin" : String(path.split(separator: "/").last ?? "trace")
  }

  /// Replays the events `reader` yields; `observe` hears, every 4096 events, how many were
  /// replayed, how many tasks live, and how many threads the first strategy's kernel model
  /// holds.
  public static func compare(
    reader: TraceReader, options: TraceReplayOptions, strategies: [any SwitchStrategy], profile: CycleProfile,
    observe: ((_ events: Int, _ liveTasks: Int, _ modelThreads: Int) -> Void)? = nil
  ) throws(TraceReadError) -> TraceReplayResult {
    // Events read before the machine exists, to find the CPU count.
    var pending: [TraceEvent] = []
    var exhausted = false
    if options.cpuCount == nil {
      while pending.count < TraceReplayOptions.lookaheadEvents, reader.statistics.statedCPUCount == nil {
        guard let event = try reader.next() else {
          exhausted = true
          break
        }
        pending.append(event)
      }
    }
    let (cpuCount, source) = Self.cpuCount(options: options, statistics: reader.statistics)
    let name = options.name ?? "trace"
    var sessions = strategies.map {
      ReplayEngine(machine: machine(for: $0, cpuCount: cpuCount), cpuCount: cpuCount, options: options, profile: profile, name: name)
    }
    var events = 0
    var partial = false
    func feed(_ event: TraceEvent) -> Bool {
      if let maxEvents = options.maxEvents, events >= maxEvents {
        partial = true
        return false
      }
      events += 1
      for index in sessions.indices { sessions[index].apply(event) }
      if let observe, events % 4096 == 0, let first = sessions.first {
        observe(events, first.liveTasks, first.modelThreads)
      }
      return true
    }
    var going = true
    for event in pending where going { going = feed(event) }
    pending = []
    while going, !exhausted, let event = try reader.next() { going = feed(event) }
    var rows: [ComparisonRow] = []
    for index in sessions.indices { rows.append(sessions[index].finish()) }
    if partial { for index in rows.indices { rows[index].partial = true } }
    Comparison.rank(&rows, base: profile[.switchBase])
    var notes = sessions.first?.notes ?? TraceReplayNotes()
    notes.cpuCount = cpuCount
    notes.cpuCountSource = source
    return TraceReplayResult(
      comparison: Comparison(profile: profile, seed: nil, rows: rows), statistics: reader.statistics, notes: notes,
      partial: partial)
  }

  /// The most CPUs a replayed machine has, a bound of this tool (each CPU holds a TSS of over
  /// 8 KiB per strategy), as `--cpus` has; events on CPUs past them are counted and skipped.
  public static let maximumCPUs = 4096

  /// The CPU count the options give, else the header's, else the highest CPU seen plus one.
  private static func cpuCount(options: TraceReplayOptions, statistics: TraceStatistics) -> (Int, String) {
    if let count = options.cpuCount { return (min(max(1, count), maximumCPUs), "--cpus") }
    if let stated = statistics.statedCPUCount, stated > 0, stated > Int(statistics.highestCPU), stated <= maximumCPUs {
      return (stated, "the trace's header")
    }
    return (min(max(1, Int(statistics.highestCPU) + 1), maximumCPUs), "the highest CPU among the first events")
  }

  /// The machine for `strategy`, opened through ``StrategyOpener`` so that a catalogue design's
  /// machine runs specialised (unspecialised, every step looks up the design's witnesses).
  private static func machine(for strategy: any SwitchStrategy, cpuCount: Int) -> any ReplayMachine {
    Boxing(cpuCount: cpuCount).open(strategy)
  }

  private struct Boxing: StrategyOpener {
    var cpuCount: Int
    func callAsFunction<Strategy: SwitchStrategy>(_ strategy: Strategy) -> any ReplayMachine {
      MachineBox(strategy: strategy, cpuCount: cpuCount)
    }
  }
}
