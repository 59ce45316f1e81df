import ArgumentParser
import Foundation
import IOPBSimulator
import Synchronization

/// When a long command stops early and how it shows that it is working: `--timeout SECONDS`
/// from the start, or the first SIGINT once ``installInterruptHandler()`` ran (a second one ends
/// the process as usual); progress goes to standard error only when that is a terminal, on
/// one line rewritten at most five times a second and cleared by ``finish()``.
final class LongRun: Sendable {
  /// Set by the SIGINT handler; never cleared.
  private static let interrupted = Atomic<Bool>(false)

  private let deadline: ContinuousClock.Instant?
  private let label: String
  private let showsProgress: Bool
  private let stopped = Atomic<Bool>(false)
  private let lastReport = Mutex<ContinuousClock.Instant?>(nil)

  /// A run named `label` in its progress line, stopping `timeout` seconds from now if given.
  init(_ label: String, timeout: Double?) {
    deadline = timeout.map { ContinuousClock.now + .nanoseconds(Int64(min($0, 1e9) * 1e9)) }
    self.label = label
    showsProgress = isatty(STDERR_FILENO) == 1
  }

  /// Makes SIGINT stop every long run instead of the process: the CLI's `run()` calls it
  /// before `execute()`; tests never do.
  static func installInterruptHandler() {
    signal(SIGINT) { _ in
      LongRun.interrupted.store(true, ordering: .relaxed)
      signal(SIGINT, SIG_DFL)
    }
  }

  /// True once the deadline passed or SIGINT arrived; remembered, so that ``stopped`` tells
  /// afterwards whether the results are partial.
  var shouldStop: Bool {
    if stopped.load(ordering: .relaxed) { return true }
    let stop = Self.interrupted.load(ordering: .relaxed) || deadline.map { ContinuousClock.now >= $0 } ?? false
    if stop { stopped.store(true, ordering: .relaxed) }
    return stop
  }

  /// True when a run was told to stop: what it printed is partial.
  var wasStopped: Bool { stopped.load(ordering: .relaxed) }

  /// Why the run stopped, for its diagnostic line.
  var reason: String { Self.interrupted.load(ordering: .relaxed) ? "interrupted" : "stopped by --timeout" }

  /// Shows `status` after the label on the progress line (terminal only, rate-limited).
  func report(_ status: @autoclosure () -> String) {
    guard showsProgress else { return }
    let now = ContinuousClock.now
    let due = lastReport.withLock { last in
      guard last.map({ now - $0 >= .milliseconds(200) }) ?? true else { return false }
      last = now
      return true
    }
    if due { FileHandle.standardError.write(Data("\r\u{1B}[K\(label): \(status())".utf8)) }
  }

  /// Clears the progress line.
  func finish() {
    if showsProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  }

  /// A simulation control that stops with this run and reports its events and switches
  /// after `prefix` (what is being run).
  func control(_ prefix: @escaping @Sendable () -> String) -> RunControl {
    RunControl(
      shouldStop: { self.shouldStop },
      report: { events, switches in self.report("\(prefix()) \(events) events, \(switches) switches") })
  }
}

extension CommandOutput {
  /// A long run stopped by `--timeout` or SIGINT before its end: what it printed is partial
  /// (the status `iopb check` gives a stopped search).
  static let stopped: Int32 = 3
}

/// The largest values the run-length options accept, each chosen so that one run of it ends
/// within minutes and its samples fit in memory (a switch keeps one 8-byte sample); beyond them
/// `validate()` exits 64 naming the maximum.
enum RunLength {
  /// `compare --switches`, `bench --switches`: switches of one run.
  static let switches = 10_000_000
  /// `compare --max-events`: engine events of one run.
  static let events = 1_000_000_000
  /// `bench --checks`: permission checks timed.
  static let checks = 100_000_000
  /// `calibrate --repetitions`: copies per measurement.
  static let repetitions = 10_000_000
  /// `check --random --steps`: steps of the random walks.
  static let steps = 1_000_000_000
  /// `--timeout`: seconds (a week).
  static let timeout = 604_800.0

  /// Throws unless `value` of option `name` lies in 1…`maximum`.
  static func check(_ value: Int, _ name: String, maximum: Int) throws(ValidationError) {
    guard value > 0 else { throw ValidationError("\(name) must be positive, not \(value)") }
    guard value <= maximum else {
      throw ValidationError("\(name) must be at most \(maximum), not \(value)")
    }
  }

  /// Throws unless `timeout` is a positive number of seconds up to ``timeout``.
  static func check(timeout: Double?) throws(ValidationError) {
    guard let timeout else { return }
    guard timeout > 0, timeout <= Self.timeout else {
      throw ValidationError("--timeout must be a number of seconds above 0 and at most \(Int(Self.timeout))")
    }
  }
}
