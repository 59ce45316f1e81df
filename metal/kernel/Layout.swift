/// Where everything lives (physical = virtual, identity-mapped; docs/metal.md §Memory).
enum Layout {
  // The entry area (metal/linker.ld), mapped in the kernel and the user tables.
  static let fixedTSS: UInt64 = 0x200000
  static let gdt: UInt64 = 0x201000
  static let idt: UInt64 = 0x202000
  static let entryAreaStart: UInt64 = 0x200000
  static let entryAreaEnd: UInt64 = 0x20C000
  static let entryStackTop: UInt64 = 0x20A000
  static let doubleFaultStackTop: UInt64 = 0x20C000
  static let userStart: UInt64 = 0x20C000
  static let userEnd: UInt64 = 0x215000
  static let userSamples: UInt64 = 0x20D000
  static let userStackTop: UInt64 = 0x215000
  /// The KPTI demonstration's per-thread TSS: its first 0x20 bytes (RSP0) on the page before
  /// the entry area, its IST slots inside it.
  static let straddlingTSS: UInt64 = 0x200000 - 0x20

  // Page tables.
  static let kernelPML4: UInt64 = 0x100_0000
  static let kernelPDPT: UInt64 = 0x100_1000
  static let kernelPD: UInt64 = 0x100_2000
  static let fixedPD: UInt64 = 0x100_3000
  static let fixedPT: UInt64 = 0x100_4000
  static let userPML4: UInt64 = 0x100_5000
  static let userPDPT: UInt64 = 0x100_6000
  static let userPD: UInt64 = 0x100_7000
  static let userPT: UInt64 = 0x100_8000

  /// The differential's TSS: up to 0x13000 bytes (map base ≤ 0xFFFF plus 8 KiB and a byte).
  static let vectorTSS: UInt64 = 0x110_0000
  static let vectorTSSSize = 0x13000
  /// Linux's per-CPU TSS (`struct tss_struct`), for the designs that copy.
  static let linuxTSS: UInt64 = 0x120_0000
  /// Per-thread bitmaps (8 KiB, page-aligned, 16 KiB apart).
  static let threadBitmaps: UInt64 = 0x130_0000
  /// Per-thread TSSes (hardware part + 8 KiB map + terminator), 16 KiB apart.
  static let threadTSSes: UInt64 = 0x140_0000
  static let threadStride: UInt64 = 0x4000
  /// Timing buffers.
  static let timingSource: UInt64 = 0x180_0000
  static let timingPool: UInt64 = 0x190_0000
  /// Remap + INVLPG: the fixed window (virtual) and its constant pages (physical).
  static let remapWindow: UInt64 = 0x4000_0000
  static let remapTSSPage: UInt64 = 0x1A0_0000
  static let remapTerminatorPage: UInt64 = 0x1A0_1000
  static let remapAllOnesPages: UInt64 = 0x1A0_2000  // two pages of 0xFF

  static let pageSize: UInt64 = 0x1000
}

/// Segment selectors of the GDT (entry.S uses the same numbers).
enum Selector {
  static let kernelCode: UInt16 = 0x08
  static let kernelData: UInt16 = 0x10
  static let userData: UInt16 = 0x1B
  static let userCode: UInt16 = 0x23
  /// The one TSS slot most runs use (Linux: GDT_ENTRY_TSS).
  static let tss: UInt16 = 0x28
  /// Per-thread descriptors of the per-thread TSS design, 16 bytes each.
  static let threadTSS: UInt16 = 0x38
  static let fixedTSS: UInt16 = 0xC8
  static let straddlingTSS: UInt16 = 0xD8
  static let gdtLimit: UInt16 = 0xE8 - 1
}
