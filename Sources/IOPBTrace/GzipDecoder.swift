import CZlib
import IOPBText

#if canImport(Glibc)
import Glibc
#endif

/// Decompresses a gzip stream read from a file descriptor, in bounded memory (zlib's
/// `inflate()` with a 64 KiB input buffer), member after member as `gzip -d` does.
final class GzipDecoder {
  private let name: String
  private let descriptor: Int32
  private let ownsDescriptor: Bool
  private var stream = z_stream()
  private var input: UnsafeMutablePointer<UInt8>
  private let inputSize = 1 << 16
  private var atEnd = false
  private var finished = false
  private var memberEnded = false

  /// Decodes `descriptor`'s bytes, starting with `prefix` (bytes already read from it).
  init(name: String, descriptor: Int32, ownsDescriptor: Bool, prefix: [UInt8]) throws(InputError) {
    self.name = name
    self.descriptor = descriptor
    self.ownsDescriptor = ownsDescriptor
    input = .allocate(capacity: max(inputSize, prefix.count))
    prefix.withUnsafeBufferPointer { bytes in
      if let base = bytes.baseAddress { input.update(from: base, count: bytes.count) }
    }
    stream.next_in = input
    stream.avail_in = UInt32(prefix.count)
    // 15 + 16: a gzip header and trailer around a deflate stream of any window.
    let status = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else {
      input.deallocate()
      if ownsDescriptor { close(descriptor) }
      throw InputError(path: name, reason: .system("cannot start gzip decompression (zlib error \(status))"))
    }
  }

  deinit {
    inflateEnd(&stream)
    input.deallocate()
    if ownsDescriptor { close(descriptor) }
  }

  /// Fills `output` with decompressed bytes; 0 at the end of the last member.
  func read(into output: UnsafeMutableBufferPointer<UInt8>) throws(InputError) -> Int {
    guard !finished, let base = output.baseAddress, output.count > 0 else { return 0 }
    stream.next_out = base
    stream.avail_out = UInt32(clamping: output.count)
    let full = UInt32(clamping: output.count)
    while stream.avail_out == full {
      if memberEnded {
        // The end of a member: the file ends, or another member follows (`cat a.gz b.gz`).
        if stream.avail_in == 0, try !refill() {
          finished = true
          return 0
        }
        guard inflateReset(&stream) == Z_OK else { throw corrupt() }
        memberEnded = false
      }
      if stream.avail_in == 0, try !refill() {
        throw InputError(path: name, reason: .system("the gzip data ends early (truncated file)"))
      }
      switch inflate(&stream, Z_NO_FLUSH) {
      case Z_OK, Z_BUF_ERROR: break
      case Z_STREAM_END: memberEnded = true
      default: throw corrupt()
      }
    }
    return output.count - Int(stream.avail_out)
  }

  private func corrupt() -> InputError {
    let detail = stream.msg.map { String(cString: $0) } ?? "corrupt data"
    return InputError(path: name, reason: .system("not valid gzip data: \(detail)"))
  }

  /// Reads more compressed bytes; false at the end of the file.
  private func refill() throws(InputError) -> Bool {
    guard !atEnd else { return false }
    var count: Int
    repeat { count = Glibc.read(descriptor, input, inputSize) } while count < 0 && errno == EINTR
    guard count >= 0 else { throw InputError(path: name, reason: LineReader.reason(errno: errno)) }
    if count == 0 {
      atEnd = true
      return false
    }
    stream.next_in = input
    stream.avail_in = UInt32(count)
    return true
  }
}
