/// How well a trace fitted the model: what the replay had to infer or repair. Every figure
/// depends on the trace only, not on the strategy.
public struct TraceReplayNotes: Sendable, Hashable {
  /// The machine's CPU count, and where it came from.
  public var cpuCount = 0
  public var cpuCountSource = ""
  /// Tasks created on first sight (running before the trace began, or whose fork it lacks).
  public var tasksSeenFirst = 0
  /// Tasks the model treats as kernel threads, which never return to user mode.
  public var kernelThreads = 0
  /// Switches taken to put on a CPU the task the trace first shows there, unpriced (the trace
  /// started while it ran).
  public var warmUpSwitches = 0
  /// Switches the trace lacks but implies (a task shown current where the model runs another,
  /// after lost events): taken and priced as switches.
  public var repairedSwitches = 0
  /// Tasks whose pid came back (a fork) without their exit in the trace: the model keeps them.
  public var tasksWithoutExit = 0
  /// Events on a CPU past the machine's (skipped).
  public var eventsOutsideMachine = 0
  /// Times the machine's exited threads were dropped (renumbering the live ones).
  public var compactions = 0
  /// The most tasks alive at once in the model.
  public var peakLiveTasks = 0

  public init() {}
}
