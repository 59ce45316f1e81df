import IOPBCPU
import Testing

/// The little-endian fields of a TSS (Linux's `prev_sequence` and `prev_max` after the hardware
/// part): whole fields take one load or store, fields that run past the memory keep the bytes
/// inside it and read the others as 0.
@Suite struct TaskStateSegmentTests {
  struct Field: Sendable, CustomStringConvertible {
    var offset: Int
    var width: Int
    /// What reading back the written 0x1122334455667788 gives.
    var readBack: UInt64
    var description: String { "\(width) bytes at \(offset)" }
  }

  static let value: UInt64 = 0x1122_3344_5566_7788

  /// A 0x70-byte TSS: the hardware part and 8 bytes after it.
  static let fields: [Field] = [
    Field(offset: 0x68, width: 8, readBack: value),
    Field(offset: 0x68, width: 4, readBack: 0x5566_7788),
    Field(offset: 0x69, width: 2, readBack: 0x7788),
    Field(offset: 0x6B, width: 1, readBack: 0x88),
    Field(offset: 0x6C, width: 4, readBack: 0x5566_7788),
    // Past the memory: the bytes outside are dropped on writing and read as 0.
    Field(offset: 0x6C, width: 8, readBack: 0x5566_7788),
    Field(offset: 0x6E, width: 4, readBack: 0x7788),
    Field(offset: 0x70, width: 8, readBack: 0),
  ]

  @Test(arguments: fields)
  func fieldsReadBackWhatWasWritten(_ field: Field) {
    var tss = TaskStateSegment(size: 0x70, limit: 0x6F)
    let before = tss.bytes
    tss.writeLittleEndian(Self.value, at: field.offset, width: field.width)
    #expect(tss.readLittleEndian(at: field.offset, width: field.width) == field.readBack)
    // Only the field's bytes inside the memory changed, least significant first.
    for offset in before.indices {
      let index = offset - field.offset
      let expected =
        (0..<field.width).contains(index) ? UInt8(truncatingIfNeeded: Self.value >> (8 * UInt64(index))) : 0
      #expect(tss.bytes[offset] == expected, "byte \(offset)")
    }
  }

  /// `setBits` against setting each bit alone, for every range of bits in and past an 8-byte
  /// string at the end of a 0x70-byte TSS, both ways, on a patterned memory.
  @Test(arguments: [true, false])
  func setBitsChangesExactlyTheRangesBits(_ one: Bool) {
    let pattern = TaskStateSegment.patterned(size: 0x70)
    for lower in 0...80 {
      for upper in lower...80 {
        var tss = pattern
        tss.setBits(lower..<upper, from: 0x68, to: one)
        var expected = pattern.bytes
        for bit in lower..<upper where expected.indices.contains(0x68 + bit / 8) {
          let mask = UInt8(1) << UInt8(bit % 8)
          if one { expected[0x68 + bit / 8] |= mask } else { expected[0x68 + bit / 8] &= ~mask }
        }
        #expect(tss.bytes == expected, "bits \(lower)..<\(upper)")
      }
    }
  }
}

extension TaskStateSegment {
  /// A TSS of `size` bytes holding 0x5A, 0xA5, … so that set and clear bits both show.
  static func patterned(size: Int) -> TaskStateSegment {
    var tss = TaskStateSegment(size: size, limit: size - 1)
    for offset in 0..<size { tss.fill(offset % 2 == 0 ? 0x5A : 0xA5, at: offset, count: 1) }
    return tss
  }
}
