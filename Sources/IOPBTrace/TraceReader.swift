import IOPBText

/// Why reading a trace stopped.
public enum TraceReadError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The input could not be read (missing, a folder, a read failure, bad gzip data).
  case input(InputError)
  /// A malformed line, in strict mode.
  case malformed(MalformedLine)

  public var description: String {
    switch self {
    case .input(let error): error.description
    case .malformed(let line): line.description
    }
  }
}

/// Streams the events of a trace, counting what it reads (``statistics``): header lines and
/// lost-event markers are skipped, malformed lines counted (the first few kept with their line
/// numbers) or, when ``strict``, fatal.
public final class TraceReader {
  /// The input's name as given.
  public var path: String { lines.path }
  public let strict: Bool
  public private(set) var statistics = TraceStatistics()
  private let lines: LineReader

  /// Opens the trace at `path` (`-`: standard input), gzip-compressed or not.
  public convenience init(path: String, strict: Bool = false) throws(TraceReadError) {
    let lines: LineReader
    do { lines = try TraceInput.open(path) } catch { throw .input(error) }
    self.init(lines: lines, strict: strict)
  }

  public init(lines: LineReader, strict: Bool = false) {
    self.lines = lines
    self.strict = strict
  }

  /// The next event; nil at the end of the trace.
  public func next() throws(TraceReadError) -> TraceEvent? {
    while true {
      var parsed = TraceLine.header(cpuCount: nil)
      do {
        guard try lines.withNextLine({ parsed = TraceLineParser.parse($0) }) else { return nil }
      } catch { throw .input(error) }
      statistics.lines += 1
      switch parsed {
      case .event(let event):
        statistics.count(event)
        return event
      case .header(let cpuCount):
        statistics.headerLines += 1
        if let cpuCount, statistics.statedCPUCount == nil { statistics.statedCPUCount = cpuCount }
      case .lostEvents:
        statistics.lostEventMarkers += 1
      case .malformed(let reason):
        let malformed = MalformedLine(path: lines.path, line: lines.lineNumber, reason: reason)
        if strict { throw .malformed(malformed) }
        statistics.malformedLines += 1
        if statistics.firstMalformed.count < TraceStatistics.keptMalformed {
          statistics.firstMalformed.append(malformed)
        }
      }
    }
  }
}
