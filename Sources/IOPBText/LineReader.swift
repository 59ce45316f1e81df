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
  /// Fills the buffer from another source (a decompressor) instead of `descriptor`.
  private let source: ((UnsafeMutableBufferPointer<UInt8>) throws(InputError) -> Int)?
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
    source = nil
    if path == "-" {
      descriptor = STDIN_FILENO
      ownsDescriptor = false
      return
    }
    descriptor = try Self.openFile(path)
    ownsDescriptor = true
  }

  /// Reads lines from `source`, which fills the buffer it is given and returns how many bytes
  /// it wrote, 0 at the end (a decompressor over a file, say); `name` is the input's name in
  /// messages.
  public init(
    name: String, lineLimit: Int = 1 << 20,
    source: @escaping (UnsafeMutableBufferPointer<UInt8>) throws(InputError) -> Int
  ) {
    path = name
    byteLimit = nil
    self.lineLimit = lineLimit
    buffer = [UInt8](repeating: 0, count: 1 << 16)
    descriptor = -1
    ownsDescriptor = false
    self.source = source
  }

  /// Opens `path` read-only, refusing a folder, a device or a socket.
  ///
  /// - Returns: the descriptor, which the caller closes.
  /// - Throws: ``InputError`` when the path is missing, unreadable, a folder or a device.
  public static func openFile(_ path: String) throws(InputError) -> Int32 {
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
    return opened
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
  }

  /// The lines of `text` already in memory, split as a reader splits a file: at `\n` only, a
  /// `\r` before it dropped, and no empty line after a final `\n`.
  public static func lines(of text: String) -> [Substring] {
    guard !text.isEmpty else { return [] }
    var pieces = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let terminated = text.utf8.last == UInt8(ascii: "\n")
    if terminated { pieces.removeLast() }
    return pieces.indices.map { index in
      let line = pieces[index]
      let endsWithLineFeed = terminated || index < pieces.count - 1
      return endsWithLineFeed && line.last == UInt8(ascii: "\r") ? Substring(line.dropLast()) : Substring(line)
    }
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

  /// Calls `body` with the next line's bytes, without its terminator and unvalidated, lent for
  /// the call only (no copy, for readers of long inputs); false at the end.
  public func withNextLine(_ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(InputError) -> Bool {
    guard let range = try nextLineRange() else { return false }
    buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    return true
  }

  /// The next line's bytes, without its terminator and unvalidated; `nil` at the end.
  public func nextLineBytes() throws(InputError) -> [UInt8]? {
    guard let range = try nextLineRange() else { return nil }
    return Array(buffer[range])
  }

  /// Every byte not yet returned, to the end of the input (a JSON document read whole), within
  /// the byte limit.
  public func remainingBytes() throws(InputError) -> [UInt8] {
    var bytes: [UInt8] = []
    while true {
      bytes.append(contentsOf: buffer[start..<end])
      start = end
      if atEnd { return bytes }
      try fill()
    }
  }

  /// Finds the next line in the buffer, refilling it as needed, and consumes it.
  private func nextLineRange() throws(InputError) -> Range<Int>? {
    var searchFrom = start
    while true {
      if let newline = Self.newline(in: buffer, from: searchFrom, to: end) {
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

  /// The index of the first `\n` in `bytes[from..<to]` (`memchr`, which reads a word at a time).
  private static func newline(in bytes: [UInt8], from: Int, to: Int) -> Int? {
    guard from < to else { return nil }
    return bytes.withUnsafeBufferPointer { all -> Int? in
      guard let base = all.baseAddress, let found = memchr(base + from, 0x0A, to - from) else { return nil }
      return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
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
    let count: Int
    if let source {
      count = try buffer.withUnsafeMutableBufferPointer { bytes throws(InputError) -> Int in
        try source(UnsafeMutableBufferPointer(rebasing: bytes[end...]))
      }
    } else {
      count = buffer.withUnsafeMutableBufferPointer { bytes -> Int in
        guard let base = bytes.baseAddress else { return 0 }
        while true {
          let result = read(descriptor, base + end, bytes.count - end)
          if result >= 0 || errno != EINTR { return result }
        }
      }
      guard count >= 0 else { throw InputError(path: path, reason: Self.reason(errno: errno)) }
    }
    if count == 0 { atEnd = true }
    end += count
    bytesRead += count
    if let byteLimit, bytesRead > byteLimit {
      throw InputError(path: path, reason: .tooLarge(limit: byteLimit))
    }
  }

  /// The reason `errno` gives for a failed `open(2)` or `read(2)`.
  public static func reason(errno code: Int32) -> InputError.Reason {
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
