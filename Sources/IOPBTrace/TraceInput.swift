import IOPBText

#if canImport(Glibc)
import Glibc
#endif

/// Opens a trace for reading line by line: a file, or standard input for `-`, plain text or
/// gzip-compressed (told by its first two bytes, `1f 8b`, RFC 1952 §2.3.1), decompressed as it
/// is read so memory stays bounded whatever its length.
public enum TraceInput {
  /// A line reader over the trace at `path` (`-`: standard input).
  ///
  /// - Throws: ``InputError`` when the file is missing, unreadable, a folder or a device.
  public static func open(_ path: String) throws(InputError) -> LineReader {
    if path == "-" { return try open(descriptor: STDIN_FILENO, name: "-", owned: false) }
    return try open(descriptor: LineReader.openFile(path), name: path, owned: true)
  }

  /// A line reader over `descriptor` (a file, a pipe), named `name` in messages; closes it at
  /// the end when `owned`.
  public static func open(descriptor: Int32, name: String, owned: Bool) throws(InputError) -> LineReader {
    // Enough bytes to tell gzip from text (a pipe may deliver them one at a time).
    var prefix: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while prefix.count < 2 {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
      if count < 0, errno == EINTR { continue }
      guard count >= 0 else {
        let reason = LineReader.reason(errno: errno)
        if owned { close(descriptor) }
        throw InputError(path: name, reason: reason)
      }
      if count == 0 { break }
      prefix += chunk[0..<count]
    }
    if prefix.count >= 2, prefix[0] == 0x1f, prefix[1] == 0x8b {
      let decoder = try GzipDecoder(name: name, descriptor: descriptor, ownsDescriptor: owned, prefix: prefix)
      return LineReader(name: name) { (buffer: UnsafeMutableBufferPointer<UInt8>) throws(InputError) -> Int in
        try decoder.read(into: buffer)
      }
    }
    let plain = PlainSource(name: name, descriptor: descriptor, owned: owned, prefix: prefix)
    return LineReader(name: name) { (buffer: UnsafeMutableBufferPointer<UInt8>) throws(InputError) -> Int in
      try plain.read(into: buffer)
    }
  }
}

/// A descriptor's bytes after some already read.
private final class PlainSource {
  let name: String
  let descriptor: Int32
  let owned: Bool
  var prefix: [UInt8]

  init(name: String, descriptor: Int32, owned: Bool, prefix: [UInt8]) {
    self.name = name
    self.descriptor = descriptor
    self.owned = owned
    self.prefix = prefix
  }

  deinit { if owned { close(descriptor) } }

  func read(into buffer: UnsafeMutableBufferPointer<UInt8>) throws(InputError) -> Int {
    if !prefix.isEmpty {
      let count = min(prefix.count, buffer.count)
      for index in 0..<count { buffer[index] = prefix[index] }
      prefix.removeFirst(count)
      return count
    }
    while true {
      let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
      if count >= 0 { return count }
      if errno != EINTR { throw InputError(path: name, reason: LineReader.reason(errno: errno)) }
    }
  }
}
