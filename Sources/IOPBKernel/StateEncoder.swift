/// Writes a state as a compact byte string: equal states give equal bytes, and a state's
/// bytes determine it, so a checker stores and compares the bytes instead of the values.
///
/// Integers are LEB128 varints (zig-zag for signed ones), so the small numbers a canonical
/// state holds take one byte; byte strings are length-prefixed.
public struct StateEncoder: Sendable {
  public private(set) var bytes: [UInt8] = []

  public init() { bytes.reserveCapacity(256) }

  public mutating func encode(_ value: UInt64) {
    var value = value
    while value >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
      value >>= 7
    }
    bytes.append(UInt8(value))
  }

  public mutating func encode(_ value: Int) {
    encode(UInt64(bitPattern: Int64((value << 1) ^ (value >> (Int.bitWidth - 1)))))
  }

  public mutating func encode(_ value: Bool) { bytes.append(value ? 1 : 0) }

  public mutating func encode(_ value: UInt8) { bytes.append(value) }

  /// A length, then the bytes.
  public mutating func encode(bytes source: some Collection<UInt8>) {
    encode(source.count)
    bytes.append(contentsOf: source)
  }

  /// Presence, then the value.
  public mutating func encode<Value>(_ value: Value?, _ body: (inout StateEncoder, Value) -> Void) {
    encode(value != nil)
    if let value { body(&self, value) }
  }
}
