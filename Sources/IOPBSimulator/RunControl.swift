/// How a caller steers a long simulation from outside: whether to stop now (a deadline, an
/// interrupt), and where to report how far it got. The engine asks every
/// ``pollInterval`` events, so the cost does not show in its speed.
public struct RunControl: Sendable {
  /// Engine events between two polls.
  public static let pollInterval = 4096

  /// True when the run should stop at once; its result is then partial.
  public var shouldStop: @Sendable () -> Bool
  /// Called at each poll with the events and switches of the current run so far.
  public var report: @Sendable (_ events: Int, _ switches: Int) -> Void

  public init(
    shouldStop: @escaping @Sendable () -> Bool = { false },
    report: @escaping @Sendable (_ events: Int, _ switches: Int) -> Void = { _, _ in }
  ) {
    self.shouldStop = shouldStop
    self.report = report
  }

  /// Never stops, reports nothing.
  public static let unbounded = RunControl()
}
