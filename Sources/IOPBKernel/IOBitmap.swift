/// A thread's I/O permission bitmap: Linux's refcounted, copy-on-write `struct io_bitmap`
/// (`arch/x86/include/asm/io_bitmap.h`).
///
/// One bit per port, 1 = denied (the hardware convention, which the kernel's copy shares).
public struct IOBitmap: Sendable, Hashable {
  /// The global `io_bitmap_sequence` value taken at the last successful modification.
  public var sequence: UInt64
  /// How many threads point at this bitmap (`refcnt`).
  public var referenceCount: Int
  /// Bytes to copy so that every zero bit is covered: a multiple of 8, 8…portCount/8 (`max`).
  public var maxBytes: Int
  /// The permission bits as little-endian 64-bit words (`unsigned long bitmap[]`).
  public var words: [UInt64]

  /// An all-denied bitmap for `portCount` ports (a multiple of 64), as `ksys_ioperm` allocates it.
  public init(portCount: Int) {
    sequence = 0
    referenceCount = 1
    maxBytes = 0
    words = [UInt64](repeating: ~0, count: portCount / 64)
  }

  /// True when the bit for `port` is 0.
  @inlinable
  public func allows(_ port: Int) -> Bool {
    guard port >= 0, port / 64 < words.count else { return false }
    return words[port / 64] >> UInt64(port % 64) & 1 == 0
  }

  /// Clears (allows) or sets (denies) `count` bits starting at `first`
  /// (`bitmap_clear` / `bitmap_set`).
  public mutating func set(allowed: Bool, from first: Int, count: Int) {
    for port in first..<(first + count) {
      let mask: UInt64 = 1 << UInt64(port % 64)
      if allowed { words[port / 64] &= ~mask } else { words[port / 64] |= mask }
    }
  }

  /// The index of the last word holding a zero bit, by the kernel's linear scan; nil if none.
  public var lastWordWithZeroBit: Int? { words.lastIndex { $0 != ~0 } }

  /// The byte at `offset` of the bitmap as it lies in memory.
  public func byte(at offset: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: words[offset / 8] >> UInt64(8 * (offset % 8)))
  }

  /// The first `count` bytes of the bitmap as they lie in memory.
  public func bytes(count: Int) -> [UInt8] {
    let count = max(0, count)
    #if _endian(little)
      return words.withUnsafeBytes { Array($0.prefix(count)) }
    #else
      return words.map { $0.littleEndian }.withUnsafeBytes { Array($0.prefix(count)) }
    #endif
  }
}
