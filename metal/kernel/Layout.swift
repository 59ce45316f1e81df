/// Where everything lives (physical = virtual, identity-mapped; docs/metal.md §Memory).
enum Layout {
  // The entry area (metal/linker.ld), mapped in the kernel and the user tables.
  static let fixedTSS: UInt64 = 0x200100
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
  static let bitmapStride: UInt64 = 0x4000
  /// Per-thread TSSes in Linux's layout (``LinuxLayout``), 32 KiB apart.
  static let threadTSSes: UInt64 = 0x140_0000
  static let threadTSSStride: UInt64 = 0x8000
  /// Threads the designs run (the user stacks are 4 KiB each, below ``userStackTop``).
  static let maxThreads = 8
  /// Timing buffers.
  static let timingSource: UInt64 = 0x180_0000
  static let timingPool: UInt64 = 0x190_0000
  /// Remap + INVLPG: the fixed window (virtual) and its constant pages (physical).
  /// Page 0xF0 of the fixed 2 MiB region at 0x4000_0000: QEMU's software TLB is indexed by the
  /// low bits of the page number, and 0x400F1/0x400F2 share them with no page the kernel
  /// touches between two accesses (kernel text 0x100–0x11F, data from 0x1000, the program
  /// module from about 0x220), so a stale translation survives only for want of an INVLPG.
  static let remapWindow: UInt64 = 0x400F_0000
  static let remapTSSPage: UInt64 = 0x1A0_0000
  static let remapTerminatorPage: UInt64 = 0x1A0_1000
  static let remapAllOnesPages: UInt64 = 0x1A0_2000  // two pages of 0xFF
  static let remapZeroPages: UInt64 = 0x1A0_4000  // two pages of 0 (iopl(3) emulation)
  /// The TSS in the remap window: the hardware part ends where the window's first bitmap
  /// page starts, so the map base is 0x68 and the map pages are whole pages.
  static let remapTSS: UInt64 = remapWindow + 0x1000 - 0x68

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

/// Linux ≥ 5.5's `struct tss_struct` offsets for 65536 ports (`arch/x86/include/asm/processor.h`;
/// the model's `LinuxTSSLayout`): prev_sequence at 0x68, prev_max at 0x70, the bitmap at 0x78
/// (`IO_BITMAP_OFFSET_VALID_MAP`) with one all-ones long after it, `mapall` at 0x2080
/// (`IO_BITMAP_OFFSET_VALID_ALL`), the limit 0x4087 and the invalid offset 0x4088.
enum LinuxLayout {
  static let prevSequence: UInt64 = 0x68
  static let prevMax: UInt64 = 0x70
  static let validMap: UInt64 = 0x78
  static let validAll: UInt64 = 0x2080
  static let limit: UInt64 = 0x4087
  static let invalid: UInt64 = 0x4088
  static let bitmapBytes = 0x2000

  /// `tss_setup_io_bitmap()`: base invalid, the map all ones with its extra long, `mapall` zero
  /// but its extra long.
  static func setUp(_ tss: UInt64) {
    Memory.fill(tss, 0, Int(invalid))
    Memory.fill(tss + validMap, 0xFF, bitmapBytes + 8)
    Memory.fill(tss + validAll + UInt64(bitmapBytes), 0xFF, 8)
    Memory.store16(tss + 0x66, UInt16(invalid))
    Descriptors.setStacks(tss: tss)
  }
}
