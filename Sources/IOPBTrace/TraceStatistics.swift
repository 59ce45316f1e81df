/// What a trace held, counted while it was read.
public struct TraceStatistics: Sendable, Hashable {
  /// Lines read, events among them, and the rest.
  public var lines = 0
  public var events = 0
  public var headerLines = 0
  /// `CPU:N [LOST …]` / `[… EVENTS DROPPED]` markers: the ring buffer lost events there.
  public var lostEventMarkers = 0
  /// Events by kind.
  public var switches = 0
  public var wakeups = 0
  public var migrations = 0
  public var forks = 0
  public var execs = 0
  public var exits = 0
  /// Events of other kinds, ignored.
  public var otherEvents = 0
  /// Lines that are not events, headers or markers; the first few of them.
  public var malformedLines = 0
  public var firstMalformed: [MalformedLine] = []
  /// The CPU count the header states (`#P:N`, `cpus=N`), if any.
  public var statedCPUCount: Int?
  /// The highest CPU number an event named; -1 before the first event.
  public var highestCPU: Int32 = -1
  /// The first and last timestamps, in nanoseconds.
  public var firstTimestamp: Int64?
  public var lastTimestamp: Int64?

  /// How many malformed lines ``firstMalformed`` keeps.
  public static let keptMalformed = 10

  public init() {}

  mutating func count(_ event: TraceEvent) {
    events += 1
    highestCPU = max(highestCPU, event.cpu)
    if firstTimestamp == nil { firstTimestamp = event.timestamp }
    lastTimestamp = event.timestamp
    switch event.kind {
    case .contextSwitch: switches += 1
    case .wakeup: wakeups += 1
    case .migrate: migrations += 1
    case .fork: forks += 1
    case .exec: execs += 1
    case .exit: exits += 1
    case .other: otherEvents += 1
    }
  }
}
