/// The last lines of a byte stream, kept in bounded memory however much the stream carries.
///
/// ``QEMUGuest`` keeps the tail of the boot script's standard error this way: on failure
/// `scripts/oracle-boot` prints the whole guest console there, of which only the end explains
/// the failure. Lines end at `\n`; empty lines are not kept.
public struct OutputTail: Sendable, Hashable {
  /// How many lines are kept.
  public let limit: Int
  /// Bytes kept of one line; the rest of a longer line is dropped.
  public static let maximumLineLength = 4096

  private var lines: [[UInt8]] = []
  private var current: [UInt8] = []

  /// An empty tail that keeps the last `limit` lines.
  public init(lines limit: Int) {
    self.limit = max(0, limit)
  }

  /// Adds the next bytes of the stream.
  public mutating func append(_ bytes: some Sequence<UInt8>) {
    for byte in bytes {
      if byte == UInt8(ascii: "\n") {
        finishLine()
      } else if current.count < Self.maximumLineLength {
        current.append(byte)
      }
    }
  }

  /// The kept lines, oldest first, including an unfinished last line.
  public var text: String {
    var kept = lines
    if !current.isEmpty { kept.append(current) }
    return kept.suffix(limit).map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
  }

  private mutating func finishLine() {
    defer { current.removeAll(keepingCapacity: true) }
    guard !current.isEmpty, limit > 0 else { return }
    if lines.count == limit { lines.removeFirst() }
    lines.append(current)
  }
}
