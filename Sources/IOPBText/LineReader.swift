#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text input line by line through a fixed buffer, so memory stays bounded by the longest
/// line whatever the input's length: a regular file, a pipe, or standard input.
///
/// A line ends at `\n` only, and a `\r` just before it is dropped (`\r\n` files). No other
/// character ends a line: form feed, vertical tab, a lone `\r`, U+0085 and U+2028/9 stay inside
/// it, so line numbers match what `wc -l` and editors count.
public final class LineReader {
  /// The name messages use: the path as given, or `-` for standard input.
  public let path: String
  /// The 1-based number of the line last returned; 0 before the first.
  public private(set) var lineNumber = 0
  /// Bytes read from the input so far.
  public private(set) var bytesRead = 0

  private let descriptor: Int32
  private let ownsDescriptor: Bool
  private let byteLimit: Int?
  private let lineLimit: Int
  private var buffer: [UInt8]
  private var start = 0
  private var end = 0
  private var atEnd = false

  /// Opens `path` for reading; `-` is standard input.
  ///
  /// - Parameters:
  ///   - byteLimit: the most bytes the input may hold; more is ``InputError/Reason/tooLarge(limit:)``.
  ///     `nil` reads without bound (streamed inputs such as traces).
  ///   - lineLimit: the longest line accepted, in bytes; it bounds the buffer.
  /// - Throws: ``InputError`` when the path is missing, unreadable, a folder or a device.
  public init(path: String, byteLimit: Int? = nil, lineLimit: Int = 1 << 20) throws(InputError) {
    self.path = path
    self.byteLimit = byteLimit
    self.lineLimit = lineLimit
    buffer = [UInt8](repeating: 0, count: 1 << 16)
    if path == "-" {
      descriptor = STDIN_FILENO
      ownsDescriptor = false
      return
    }
    let opened = open(path, O_RDONLY | O_CLOEXEC)
    guard opened >= 0 else { throw InputError(path: path, reason: Self.reason(errno: errno)) }
    var status = stat()
    guard fstat(opened, &status) == 0 else {
      let reason = Self.reason(errno: errno)
      close(opened)
      throw InputError(path: path, reason: reason)
    }
    let kind: String? =
      switch status.st_mode & S_IFMT {
      case S_IFDIR: "folder"
      case S_IFCHR: "character device"
      case S_IFBLK: "block device"
      case S_IFSOCK: "socket"
      default: nil
      }
    if let kind {
      close(opened)
      throw InputError(path: path, reason: kind == "folder" ? .isDirectory : .notAFile(kind: kind))
    }
    descriptor = opened
    ownsDescriptor = true
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
  }

  /// The next line as text, without its terminator; `nil` at the end of the input.
  ///
  /// - Throws: ``InputError`` for a read failure, the byte limit, an overlong line, or invalid
  ///   UTF-8 (at the line and 1-based column, in Unicode scalars, of the first bad byte).
  public func nextLine() throws(InputError) -> String? {
    guard let range = try nextLineRange() else { return nil }
    return try buffer.withUnsafeBufferPointer { all throws(InputError) in
      let bytes = UnsafeBufferPointer(rebasing: all[range])
      if let text = String(validating: bytes, as: UTF8.self) { return text }
      throw InputError(
        path: path, line: lineNumber, column: Self.columnOfFirstInvalidByte(bytes), reason: .invalidUTF8)
    }
  }

  /// The next line's bytes, without its terminator and unvalidated; `nil` at the end.
  public func nextLineBytes() throws(InputError) -> [UInt8]? {
    guard let range = try nextLineRange() else { return nil }
    return Array(buffer[range])
  }

  /// Finds the next line in the buffer, refilling it as needed, and consumes it.
  private func nextLineRange() throws(InputError) -> Range<Int>? {
    var searchFrom = start
    while true {
      if let newline = buffer[searchFrom..<end].firstIndex(of: UInt8(ascii: "\n")) {
        return consumeLine(upTo: newline, next: newline + 1)
      }
      if atEnd {
        guard start < end else { return nil }
        return consumeLine(upTo: end, next: end)
      }
      let scanned = end - start
      try fill()
      searchFrom = start + scanned
    }
  }

  private func consumeLine(upTo terminator: Int, next: Int) -> Range<Int> {
    var stop = terminator
    if terminator < next, stop > start, buffer[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
    let range = start..<stop
    start = next
    lineNumber += 1
    return range
  }

  /// Moves the unread bytes to the front, grows the buffer when one line fills it, and reads more.
  private func fill() throws(InputError) {
    if start > 0 {
      let unread = end - start
      buffer.withUnsafeMutableBufferPointer { bytes in
        guard let base = bytes.baseAddress else { return }
        base.update(from: base + start, count: unread)
      }
      start = 0
      end = unread
    }
    if end == buffer.count {
      guard buffer.count < lineLimit else {
        throw InputError(
          path: path, line: lineNumber + 1, column: 0, reason: .system("a line is longer than \(lineLimit) bytes"))
      }
      buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, lineLimit - buffer.count)))
    }
    let count = buffer.withUnsafeMutableBufferPointer { bytes -> Int in
      guard let base = bytes.baseAddress else { return 0 }
      while true {
        let result = read(descriptor, base + end, bytes.count - end)
        if result >= 0 || errno != EINTR { return result }
      }
    }
    guard count >= 0 else { throw InputError(path: path, reason: Self.reason(errno: errno)) }
    if count == 0 { atEnd = true }
    end += count
    bytesRead += count
    if let byteLimit, bytesRead > byteLimit {
      throw InputError(path: path, reason: .tooLarge(limit: byteLimit))
    }
  }

  private static func reason(errno code: Int32) -> InputError.Reason {
    switch code {
    case ENOENT, ENOTDIR: .missing
    case EACCES, EPERM: .permissionDenied
    case EISDIR: .isDirectory
    default: .system(String(cString: strerror(code)))
    }
  }

  /// 1 + the number of Unicode scalars before the first byte that is not valid UTF-8.
  private static func columnOfFirstInvalidByte(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var column = 1
    while case .valid = parser.parseScalar(from: &iterator) { column += 1 }
    return column
  }
}
