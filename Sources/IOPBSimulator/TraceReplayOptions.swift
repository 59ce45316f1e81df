/// How `iopb replay` maps a trace onto the machine (docs/replay.md).
public struct TraceReplayOptions: Sendable, Hashable {
  /// The tasks that hold and touch I/O ports.
  public var ioPortUsers: [IOPortUser] = []
  /// Port accesses an I/O-port user makes each time it runs (after each switch to it).
  public var accessesPerRun = 4
  /// Bytes of memory a running task touches per microsecond, which push bitmaps out of the
  /// CPU's caches (``CacheModel``); the simulator's default for a ``Program``, a plausible
  /// value, not a measurement.
  public var touchBytesPerMicrosecond = 100
  /// The largest touch rate `iopb replay` accepts: 1 MiB per microsecond, a terabyte a second,
  /// beyond any core's bandwidth.
  public static let maximumTouchRate = 1 << 20
  /// The machine's CPU count; nil takes the trace header's (`#P:N`, `cpus=N`), else the
  /// highest CPU among the first ``lookaheadEvents`` events, plus one.
  public var cpuCount: Int?
  /// Stop after this many events (the result is then partial); nil reads the whole trace.
  public var maxEvents: Int?
  /// The workload's name in the report; nil takes the trace file's name.
  public var name: String?
  /// Renumber the machine's threads once it holds this many exited ones more than twice its
  /// live ones, so that it stays as small as the trace's live tasks.
  var compactionSlack = 4096

  /// Events read ahead to find the CPU count when neither the options nor a header give it.
  public static let lookaheadEvents = 4096

  public init() {}
}
