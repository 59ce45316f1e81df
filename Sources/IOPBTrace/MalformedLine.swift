/// Why a trace line could not be read as an event, and where.
public struct MalformedLine: Error, Sendable, Hashable, CustomStringConvertible {
  /// What is wrong with the line.
  public enum Reason: Error, Sendable, Hashable, CustomStringConvertible {
    /// No `TASK-PID` at the start (`trace_print_context()` writes `%16s-%-7d`).
    case noTask
    /// No CPU after the task: `[NNN]`, or a number in `trace-cmd report -l`'s latency format.
    case noCPU
    /// No `SECONDS.MICROSECONDS:` (or a raw counter) before the event name.
    case noTimestamp
    /// No `NAME:` after the timestamp.
    case noEventName
    /// The event's fields do not read as its print format, for `event`; `expected` says what.
    case badFields(event: String, expected: String)

    public var description: String {
      switch self {
      case .noTask: "no TASK-PID column at the start of the line"
      case .noCPU: "no CPU column ([NNN]) after the task"
      case .noTimestamp: "no timestamp (SECONDS.MICROSECONDS:) after the CPU and flags"
      case .noEventName: "no event name (NAME:) after the timestamp"
      case .badFields(let event, let expected): "\(event): fields do not read as \(expected)"
      }
    }
  }

  /// The input's name as given (`-` for standard input).
  public var path: String
  /// 1-based.
  public var line: Int
  public var reason: Reason

  public init(path: String, line: Int, reason: Reason) {
    self.path = path
    self.line = line
    self.reason = reason
  }

  /// `PATH:LINE: error: REASON`.
  public var description: String { "\(path):\(line): error: \(reason)" }
}
