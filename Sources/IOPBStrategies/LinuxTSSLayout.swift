import IOPBCPU

/// Where Linux ≥ 5.5 places things in its per-CPU `struct tss_struct` (x86-64), generalised to a
/// port count. For 65536 ports the offsets are Linux's own: `IO_BITMAP_OFFSET_VALID_MAP` 0x78,
/// `IO_BITMAP_OFFSET_VALID_ALL` 0x2080, `__KERNEL_TSS_LIMIT` 0x4087, `IO_BITMAP_OFFSET_INVALID`
/// 0x4088 (`arch/x86/include/asm/processor.h`).
public struct LinuxTSSLayout: Sendable, Hashable {
  /// Bytes in one bitmap (`IO_BITMAP_BYTES`).
  public let bitmapBytes: Int

  public init(portCount: Int) { bitmapBytes = portCount / 8 }

  /// `io_bitmap.prev_sequence` (u64), right after the 104-byte hardware part.
  public var prevSequenceOffset: Int { TaskStateSegment.hardwareSize }
  /// `io_bitmap.prev_max` (unsigned int).
  public var prevMaxOffset: Int { prevSequenceOffset + 8 }
  /// `IO_BITMAP_OFFSET_VALID_MAP`: `io_bitmap.bitmap`, followed by one extra all-ones long.
  public var validMap: Int { prevMaxOffset + 8 }
  /// `IO_BITMAP_OFFSET_VALID_ALL`: `io_bitmap.mapall`, all zero but its extra long.
  public var validAll: Int { validMap + bitmapBytes + 8 }
  /// `__KERNEL_TSS_LIMIT`: the inclusive limit, covering `mapall`'s extra long.
  public var limit: Int { validAll + bitmapBytes + 8 - 1 }
  /// `IO_BITMAP_OFFSET_INVALID`: one past the limit, so every user port access raises #GP.
  public var invalid: Int { limit + 1 }

  /// The base offset that grants `view`: ``invalid``, ``validAll`` or ``validMap``.
  public func offset(granting view: PortView) -> Int {
    switch view {
    case .none: invalid
    case .all: validAll
    case .map: validMap
    }
  }

  /// A TSS as `tss_setup_io_bitmap()` leaves it: base INVALID, prev_max and prev_sequence 0,
  /// `bitmap` all ones with its extra long, `mapall` zero but its extra long.
  public func bootTSS() -> TaskStateSegment {
    var tss = TaskStateSegment(size: invalid, limit: limit)
    tss.ioMapBase = UInt16(invalid)
    tss.fill(0xFF, at: validMap, count: bitmapBytes + 8)
    tss.fill(0xFF, at: validAll + bitmapBytes, count: 8)
    return tss
  }
}
