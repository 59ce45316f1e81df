/// A task-state segment as raw memory, plus the segment limit loaded in the hidden part of TR.
///
/// The 64-bit TSS hardware part is 104 bytes (SDM vol. 3 "64-Bit TSS Format"); the 16-bit
/// I/O map base address sits at byte offset 0x66. Anything an operating system places after the
/// hardware part (Linux puts `struct x86_io_bitmap` there) is ordinary bytes of the same memory.
/// The CPU reads the bit map only through ``IOPermissionCheck``, which honours ``limit``.
public struct TaskStateSegment: Sendable, Hashable {
  /// Size of the hardware-defined part of a 64-bit TSS, in bytes.
  public static let hardwareSize = 0x68
  /// Byte offset of the 16-bit I/O map base address field.
  public static let ioMapBaseOffset = 0x66
  /// The limit a VM exit leaves in TR: only the hardware part is addressable
  /// (SDM vol. 3 §27.5.2, cited by Linux `arch/x86/mm/cpu_entry_area.c`).
  public static let vmExitLimit = 0x67

  /// The segment's memory, starting at the TSS base.
  public var bytes: [UInt8] {
    @inlinable get { memory }
  }
  /// ``bytes``, writable by the inlinable accessors below: the machine's base and `prev_*`
  /// fields are read and written at every simulated switch, from another module.
  @usableFromInline var memory: [UInt8]
  /// The inclusive segment limit: the offset of the last byte the CPU may read.
  public var limit: Int

  /// A TSS of `size` zero bytes with the given inclusive `limit` (clamped to the memory).
  public init(size: Int, limit: Int) {
    memory = [UInt8](repeating: 0, count: max(size, Self.hardwareSize))
    self.limit = min(limit, memory.count - 1)
  }

  /// The I/O map base address: offset of the permission bit map from the TSS base.
  public var ioMapBase: UInt16 {
    @inlinable get { UInt16(truncatingIfNeeded: readLittleEndian(at: Self.ioMapBaseOffset, width: 2)) }
    @inlinable set { writeLittleEndian(UInt64(newValue), at: Self.ioMapBaseOffset, width: 2) }
  }

  /// The byte at `offset`, or nil when the offset lies outside the memory.
  public func byte(at offset: Int) -> UInt8? {
    memory.indices.contains(offset) ? memory[offset] : nil
  }

  /// Copies `source` into the segment starting at `offset`; bytes past the memory are dropped.
  public mutating func write(_ source: [UInt8], at offset: Int) {
    source.withUnsafeBytes { write($0, at: offset) }
  }

  /// Copies the bytes `source` points at into the segment starting at `offset`, with one
  /// `memcpy`; bytes past the memory are dropped.
  public mutating func write(_ source: UnsafeRawBufferPointer, at offset: Int) {
    let skip = max(0, -offset)
    let start = offset + skip
    let count = min(source.count - skip, memory.count - start)
    guard count > 0, let from = source.baseAddress else { return }
    memory.withUnsafeMutableBytes { memory in
      memory.baseAddress?.advanced(by: start).copyMemory(from: from.advanced(by: skip), byteCount: count)
    }
  }

  /// Sets `count` bytes starting at `offset` to `value`; bytes past the memory are dropped.
  public mutating func fill(_ value: UInt8, at offset: Int, count: Int) {
    let lower = max(0, offset)
    let upper = min(memory.count, offset + count)
    guard lower < upper else { return }
    memory.withUnsafeMutableBytes { memory in
      _ = UnsafeMutableRawBufferPointer(rebasing: memory[lower..<upper]).initializeMemory(as: UInt8.self, repeating: value)
    }
  }

  /// Sets (`to: true`) or clears the bits `bits` of the bit string that starts at byte
  /// `offset`, bit `b` being bit `b % 8` of byte `offset + b / 8` (the I/O map's order, SDM
  /// vol. 1 §13.5.2); bits whose byte lies outside the memory are left alone. Whole bytes are
  /// filled at once.
  public mutating func setBits(_ bits: Range<Int>, from offset: Int, to one: Bool) {
    guard !bits.isEmpty, bits.lowerBound >= 0 else { return }
    var bit = bits.lowerBound
    while bit < bits.upperBound {
      let byte = offset + bit / 8
      let low = bit % 8
      if low == 0, bits.upperBound - bit >= 8 {
        let whole = (bits.upperBound - bit) / 8
        fill(one ? 0xFF : 0x00, at: byte, count: whole)
        bit += whole * 8
        continue
      }
      let high = min(8, low + bits.upperBound - bit)
      if memory.indices.contains(byte) {
        let mask = UInt8(truncatingIfNeeded: (0xFF << low) & (0xFF >> (8 - high)))
        if one { memory[byte] |= mask } else { memory[byte] &= ~mask }
      }
      bit += high - low
    }
  }

  /// True when the bytes at `offset` equal those `other` points at (false when they run past
  /// the memory). Compares eight bytes at a time.
  public func bytesEqual(_ other: UnsafeRawBufferPointer, at offset: Int) -> Bool {
    guard offset >= 0, offset + other.count <= memory.count else { return false }
    return memory.withUnsafeBytes { memory in
      let mine = UnsafeRawBufferPointer(rebasing: memory[offset..<offset + other.count])
      var index = 0
      while index + 8 <= other.count {
        if mine.loadUnaligned(fromByteOffset: index, as: UInt64.self)
          != other.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        {
          return false
        }
        index += 8
      }
      return mine[index...].elementsEqual(other[index...])
    }
  }

  /// The first offset in `range` (clamped to the memory) whose byte differs from `value`;
  /// skips eight equal bytes at a time.
  public func firstOffset(in range: Range<Int>, notEqualTo value: UInt8) -> Int? {
    let range = range.clamped(to: memory.indices)
    let pattern = UInt64(value) &* 0x0101_0101_0101_0101
    return memory.withUnsafeBytes { memory in
      var index = range.lowerBound
      while index + 8 <= range.upperBound, memory.loadUnaligned(fromByteOffset: index, as: UInt64.self) == pattern {
        index += 8
      }
      return (index..<range.upperBound).first { memory[$0] != value }
    }
  }

  /// Reads a little-endian unsigned value of `width` bytes at `offset` (0 beyond the memory).
  @inlinable
  public func readLittleEndian(at offset: Int, width: Int) -> UInt64 {
    guard offset >= 0, offset + width <= memory.count else {
      return memory.withUnsafeBytes { Self.readLittleEndian($0, at: offset, width: width) }
    }
    // The whole field lies in the memory: one unaligned load.
    return memory.withUnsafeBytes { memory in
      switch width {
      case 8: UInt64(littleEndian: memory.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      case 4: UInt64(UInt32(littleEndian: memory.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
      case 2: UInt64(UInt16(littleEndian: memory.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
      default: Self.readLittleEndian(memory, at: offset, width: width)
      }
    }
  }

  /// ``readLittleEndian(at:width:)`` a byte at a time, for a field that reaches past the memory
  /// (those bytes read as 0) or has an odd width.
  @usableFromInline
  static func readLittleEndian(_ memory: UnsafeRawBufferPointer, at offset: Int, width: Int) -> UInt64 {
    var value: UInt64 = 0
    for index in (0..<width).reversed() {
      let byte = memory.indices.contains(offset + index) ? memory[offset + index] : 0
      value = value << 8 | UInt64(byte)
    }
    return value
  }

  /// Writes `value` as `width` little-endian bytes at `offset`; bytes past the memory are
  /// dropped.
  @inlinable
  public mutating func writeLittleEndian(_ value: UInt64, at offset: Int, width: Int) {
    memory.withUnsafeMutableBytes { memory in
      guard offset >= 0, offset + width <= memory.count else {
        Self.writeLittleEndian(value, into: memory, at: offset, width: width)
        return
      }
      switch width {
      case 8: memory.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self)
      case 4: memory.storeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian, toByteOffset: offset, as: UInt32.self)
      case 2: memory.storeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian, toByteOffset: offset, as: UInt16.self)
      default: Self.writeLittleEndian(value, into: memory, at: offset, width: width)
      }
    }
  }

  /// ``writeLittleEndian(_:at:width:)`` a byte at a time, for a field that reaches past the
  /// memory (those bytes are dropped) or has an odd width.
  @usableFromInline
  static func writeLittleEndian(_ value: UInt64, into memory: UnsafeMutableRawBufferPointer, at offset: Int, width: Int) {
    for index in 0..<width where memory.indices.contains(offset + index) {
      memory[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))
    }
  }
}
