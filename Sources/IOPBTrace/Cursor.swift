#if canImport(Glibc)
import Glibc
#endif

/// A position in a borrowed line of bytes, with the few scans the trace parser needs.
struct Cursor {
  let bytes: UnsafeBufferPointer<UInt8>
  var position = 0

  init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  var count: Int { bytes.count }
  @inline(__always)
  var peek: UInt8? { position < bytes.count ? bytes[position] : nil }
  /// The bytes from the position on, as a cursor of their own.
  var rest: Cursor { sub(position..<bytes.count) }

  @inline(__always)
  static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
  @inline(__always)
  static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  @inline(__always)
  func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[range]) }
  @inline(__always)
  func sub(_ range: Range<Int>) -> Cursor { Cursor(slice(range)) }

  /// Skips blanks; returns how many.
  @discardableResult
  @inline(__always)
  mutating func skipBlanks() -> Int { skip(while: Self.isBlank) }

  /// Skips the bytes that pass `test`; returns how many.
  @discardableResult
  @inline(__always)
  mutating func skip(while test: (UInt8) -> Bool) -> Int {
    let start = position
    while position < bytes.count, test(bytes[position]) { position += 1 }
    return position - start
  }

  /// Consumes `text` if the bytes at the position are it.
  @inline(__always)
  mutating func consume(_ text: StaticString) -> Bool {
    guard matches(text, at: position) else { return false }
    position += text.utf8CodeUnitCount
    return true
  }

  @inline(__always)
  func startsWith(_ text: StaticString) -> Bool { matches(text, at: position) }

  @inline(__always)
  func matches(_ text: StaticString, at offset: Int) -> Bool {
    let length = text.utf8CodeUnitCount
    guard offset >= 0, offset + length <= bytes.count else { return false }
    let pattern = text.utf8Start
    for index in 0..<length where bytes[offset + index] != pattern[index] { return false }
    return true
  }

  static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
    Cursor(bytes).matches(text, at: 0) && bytes.count == text.utf8CodeUnitCount
  }

  func contains(_ text: StaticString) -> Bool { range(of: text) != nil }

  func index(of byte: UInt8, from start: Int) -> Int? {
    var index = start
    while index < bytes.count {
      if bytes[index] == byte { return index }
      index += 1
    }
    return nil
  }

  func lastIndex(of byte: UInt8) -> Int? { bytes.lastIndex(of: byte) }

  /// The first occurrence of `text` at or after `start` (the position by default).
  func range(of text: StaticString, from start: Int? = nil) -> Range<Int>? {
    let length = text.utf8CodeUnitCount
    guard length > 0, bytes.count >= length, let base = bytes.baseAddress else { return nil }
    let first = Int32(text.utf8Start[0])
    var index = start ?? position
    while index + length <= bytes.count {
      guard let found = memchr(base + index, first, bytes.count - length + 1 - index) else { return nil }
      index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
      if matches(text, at: index) { return index..<index + length }
      index += 1
    }
    return nil
  }

  /// The last occurrence of `text` at or after the position.
  func lastRange(of text: StaticString) -> Range<Int>? {
    let length = text.utf8CodeUnitCount
    guard length > 0, bytes.count - position >= length else { return nil }
    let first = text.utf8Start[0]
    var index = bytes.count - length
    while index >= position {
      if bytes[index] == first, matches(text, at: index) { return index..<index + length }
      index -= 1
    }
    return nil
  }

  /// A decimal integer at the position (a leading `-` allowed), consumed; nil without digits.
  @inline(__always)
  mutating func integer() -> Int64? {
    var probe = position
    let negative = probe < bytes.count && bytes[probe] == UInt8(ascii: "-")
    if negative { probe += 1 }
    var value: Int64 = 0
    let start = probe
    while probe < bytes.count, Self.isDigit(bytes[probe]), probe - start < 18 {
      value = value * 10 + Int64(bytes[probe] - UInt8(ascii: "0"))
      probe += 1
    }
    guard probe > start else { return nil }
    position = probe
    return negative ? -value : value
  }

  /// The integer at `offset` (blanks before it skipped).
  @inline(__always)
  func integer(at offset: Int) -> Int64? {
    var probe = self
    probe.position = offset
    probe.skipBlanks()
    return probe.integer()
  }

  /// The integer right after the first `label`.
  func number(after label: StaticString) -> Int? {
    guard let found = range(of: label), let value = integer(at: found.upperBound) else { return nil }
    return Int(value)
  }

  /// The word (up to a blank) at `offset`.
  func word(at offset: Int) -> UnsafeBufferPointer<UInt8> {
    var end = offset
    while end < bytes.count, !Self.isBlank(bytes[end]) { end += 1 }
    return slice(offset..<end)
  }

  /// `SECONDS.FRACTION:` or `COUNTER:` at the position, consumed, in nanoseconds (a fraction
  /// of 6 digits is microseconds, of 9 nanoseconds); nil if the word is not that.
  mutating func timestamp() -> Int64? {
    var probe = self
    guard let whole = probe.integer(), whole >= 0 else { return nil }
    var nanoseconds = whole
    if probe.consume(".") {
      var fraction: Int64 = 0
      var digits = 0
      while let byte = probe.peek, Self.isDigit(byte) {
        if digits < 9 { fraction = fraction * 10 + Int64(byte - UInt8(ascii: "0")) }
        digits += 1
        probe.position += 1
      }
      guard digits > 0 else { return nil }
      for _ in min(digits, 9)..<9 { fraction *= 10 }
      let (scaled, overflow) = whole.multipliedReportingOverflow(by: 1_000_000_000)
      let (sum, carry) = scaled.addingReportingOverflow(fraction)
      guard !overflow, !carry else { return nil }
      nanoseconds = sum
    }
    guard probe.consume(":") else { return nil }
    self = probe
    return nanoseconds
  }

  /// `COMM:PID` (the whole cursor): the pid after the last colon.
  func namedPID() -> (name: TaskName, pid: Int32)? {
    guard let colon = lastIndex(of: UInt8(ascii: ":")) else { return nil }
    var probe = self
    probe.position = colon + 1
    guard let pid = probe.integer(), probe.position == bytes.count else { return nil }
    return (TaskName(slice(0..<colon)), Int32(clamping: pid))
  }
}
