import IOPBSimulator
import IOPBStrategies
import IOPBText
import IOPBTrace

extension IOPB.Bench {
  /// `iopb bench --replay FILE`: trace events per second, read three ways side by side in one
  /// run, each over the whole file `repeats` times, interleaved: the lines with no processing
  /// (``LineReader`` over the file, gzip decompressed as it is read), the events parsed
  /// (``TraceReader``), and the events parsed and replayed on one strategy (``TraceReplay``).
  /// Each is the fastest of its repeats (the least disturbed on a shared machine), timed in this
  /// thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`): events per second of one core, whatever
  /// else the machine runs.
  static func replayRates(
    trace: String, strategy: any SwitchStrategy, ioPortUsers: [IOPortUser], repeats: Int
  ) throws(TraceReadError) -> [String] {
    var options = TraceReplayOptions()
    options.ioPortUsers = ioPortUsers
    var best = (read: Double.infinity, parse: Double.infinity, replay: Double.infinity)
    var counts = (lines: 0, events: 0, switches: 0)
    var clean = true
    for _ in 0..<repeats {
      var failure: TraceReadError?
      best.read = min(best.read, HostTiming.threadCPUSeconds {
        do throws(InputError) {
          let lines = try TraceInput.open(trace)
          var count = 0
          var bytes = 0
          while try lines.withNextLine({ bytes &+= $0.count }) { count += 1 }
          if bytes < 0 { count = 0 }
          counts.lines = count
        } catch { failure = .input(error) }
      })
      best.parse = min(best.parse, HostTiming.threadCPUSeconds {
        do throws(TraceReadError) {
          let reader = try TraceReader(path: trace)
          while try reader.next() != nil {}
          counts.events = reader.statistics.events
        } catch { failure = error }
      })
      best.replay = min(best.replay, HostTiming.threadCPUSeconds {
        do throws(TraceReadError) {
          let result = try TraceReplay.compare(trace: trace, options: options, strategies: [strategy])
          counts.switches = result.comparison.rows.first?.switches ?? 0
          clean = clean && result.comparison.isClean
        } catch { failure = error }
      })
      if let failure { throw failure }
    }
    let events = Double(counts.events)
    let rate = { (seconds: Double) in events / max(seconds, 1e-9) }
    return [
      "replay: \(trace), \(counts.lines) lines, \(counts.events) events, \(counts.switches) switches priced, "
        + "fastest of \(repeats) runs each, per second of one core's time, \(buildKind) build",
    ] + TextTable(
      columns: [.left, .right, .right],
      rows: [
        ["pass", "events/s", "time vs reading"],
        ["read lines, no processing", FixedPoint.format(rate(best.read), digits: 0), "1.000"],
        ["parse events", FixedPoint.format(rate(best.parse), digits: 0), FixedPoint.format(best.parse / best.read, digits: 3)],
        [
          "parse + replay on \(strategy.name)" + (clean ? "" : " (stopped: violation)"),
          FixedPoint.format(rate(best.replay), digits: 0), FixedPoint.format(best.replay / best.read, digits: 3),
        ],
      ]
    ).lines
  }
}

extension IOPB.Bench {
  /// The `--replay` measurement as the command's output; exit 65 when the trace cannot be read.
  func replayOutput(trace: String, strategy: any SwitchStrategy) -> CommandOutput {
    // validate() parsed them already.
    let users = (try? ioPortUsers.users()) ?? []
    do {
      let lines = try Self.replayRates(trace: trace, strategy: strategy, ioPortUsers: users, repeats: repeats)
      return CommandOutput(output: lines.joined(separator: "\n"))
    } catch {
      return CommandOutput(diagnostics: error.description, exitCode: IOPB.Replay.dataError)
    }
  }
}
