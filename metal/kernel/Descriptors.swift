/// The GDT, TSS descriptors and the IDT (SDM vol. 3 §3.4.5, §8.2.3 "TSS Descriptor in 64-bit
/// mode", §6.14.1 "64-Bit Mode IDT").
enum Descriptors {
  static func installGDT() {
    Memory.fill(Layout.gdt, 0, 0x1000)
    Memory.store64(Layout.gdt + 0x08, 0x00AF_9A00_0000_FFFF)  // 64-bit code, DPL 0
    Memory.store64(Layout.gdt + 0x10, 0x00CF_9200_0000_FFFF)  // data, DPL 0
    Memory.store64(Layout.gdt + 0x18, 0x00CF_F200_0000_FFFF)  // data, DPL 3
    Memory.store64(Layout.gdt + 0x20, 0x00AF_FA00_0000_FFFF)  // 64-bit code, DPL 3
    loadGDT(Layout.gdt, Selector.gdtLimit)
  }

  /// Writes an available (type 9) 64-bit TSS descriptor at `selector`: `base`, inclusive `limit`.
  static func writeTSSDescriptor(_ selector: UInt16, base: UInt64, limit: UInt64) {
    let entry = Layout.gdt + UInt64(selector & ~7)
    var low: UInt64 = limit & 0xFFFF
    low |= (base & 0xFF_FFFF) << 16
    low |= 0x89 << 40  // present, DPL 0, type 9 (available 64-bit TSS)
    low |= ((limit >> 16) & 0xF) << 48
    low |= ((base >> 24) & 0xFF) << 56
    Memory.store64(entry, low)
    Memory.store64(entry + 8, base >> 32)
  }

  /// Clears the busy bit (type 0xB → 0x9) so that LTR accepts the descriptor again
  /// (SDM vol. 2 LTR: #GP if the descriptor is busy). Linux: `set_tssldt_descriptor` before
  /// `load_TR_desc` in `refresh_tss_limit`/`force_reload_TR`.
  static func clearBusy(_ selector: UInt16) {
    let typeByte = Layout.gdt + UInt64(selector & ~7) + 5
    Memory.store8(typeByte, Memory.load8(typeByte) & ~0x02)
  }

  static func isBusy(_ selector: UInt16) -> Bool {
    Memory.load8(Layout.gdt + UInt64(selector & ~7) + 5) & 0x02 != 0
  }

  /// Points TR at `base` with `limit` through `selector`: descriptor, busy bit, LTR.
  static func loadTSS(_ selector: UInt16, base: UInt64, limit: UInt64) {
    writeTSSDescriptor(selector, base: base, limit: limit)
    load(selector)
  }

  /// LTR of an available descriptor; TR's limit is the descriptor's again.
  static func load(_ selector: UInt16) {
    loadTaskRegister(selector)
    limitCut = false
  }

  /// Whether a VM exit left TR's hidden limit at 0x67 (Linux: `__tss_limit_invalid`).
  static var limitCut = false

  /// `M`: what a VM exit does to TR (SDM vol. 3 §27.5.2 "Loading Host Segment and Descriptor-
  /// Table Registers": the TR limit becomes 0x67): LTR through the loaded descriptor with its
  /// limit cut, the descriptor then restored (as Linux's GDT entry stays intact).
  static func cutLimitAsVMExit() {
    let selector = storeTaskRegister()
    let entry = Layout.gdt + UInt64(selector & ~7)
    let saved = Memory.load64(entry)
    Memory.store64(entry, (saved & ~(0xFFFF | 0xF << 48)) | 0x67)
    clearBusy(selector)
    loadTaskRegister(selector)
    Memory.store64(entry, saved)
    limitCut = true
  }

  /// Linux `refresh_tss_limit()` → `force_reload_TR()`: the busy bit cleared and LTR again, when
  /// a VM exit cut the limit.
  static func refreshLimit() {
    guard limitCut else { return }
    let selector = storeTaskRegister()
    clearBusy(selector)
    load(selector)
  }

  /// RSP0 and IST1 of the TSS at `base` (SDM vol. 3 Figure 8-11: RSP0 at 4, IST1 at 0x24).
  static func setStacks(tss base: UInt64) {
    Memory.store64(base + 4, Layout.entryStackTop)
    Memory.store64(base + 0x24, Layout.doubleFaultStackTop)
  }

  static func installIDT() {
    Memory.fill(Layout.idt, 0, 0x1000)
    let stubs = UnsafePointer<UInt64>(bitPattern: UInt(trapTableAddress()))!
    for vector in 0..<20 {
      // #DF on its own stack (IST1), as Linux's DOUBLEFAULT_STACK.
      gate(UInt64(vector), handler: stubs[vector], ist: vector == 8 ? 1 : 0, dpl: 0)
    }
    gate(0x80, handler: stubs[20], ist: 0, dpl: 3)
    loadIDT(Layout.idt, 0xFFF)
  }

  private static func gate(_ vector: UInt64, handler: UInt64, ist: UInt64, dpl: UInt64) {
    let entry = Layout.idt + vector * 16
    var low = handler & 0xFFFF
    low |= UInt64(Selector.kernelCode) << 16
    low |= ist << 32
    low |= (0x8E | dpl << 5) << 40  // present, 64-bit interrupt gate
    low |= ((handler >> 16) & 0xFFFF) << 48
    Memory.store64(entry, low)
    Memory.store64(entry + 8, handler >> 32)
  }
}

@_extern(c, "metal_trap_table_address") func trapTableAddress() -> UInt64
