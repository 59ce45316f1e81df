/// What the tasks of a run did, so tests and reports can see that a workload exercises what
/// its description claims.
public struct SimulationActivity: Sendable, Hashable, Codable {
  /// `fork()` and `clone(CLONE_THREAD)` calls that succeeded.
  public var forks = 0
  public var threads = 0
  /// `exit()` calls.
  public var exits = 0
  /// Wakeups that placed the thread on another CPU.
  public var migrations = 0
  /// Normal threads preempted by a waking real-time thread.
  public var preemptions = 0
  /// Successful `ioperm` and `iopl` calls.
  public var permissionCalls = 0

  public init() {}
}
