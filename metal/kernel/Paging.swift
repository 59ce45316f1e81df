/// Four-level page tables (SDM vol. 3 §4.5): the kernel's, and for the KPTI demonstration a
/// user set that maps only the entry area and the user pages, as Linux's `cpu_entry_area`
/// under page-table isolation (`arch/x86/mm/pti.c`).
enum Paging {
  static let present: UInt64 = 1
  static let writable: UInt64 = 2
  static let user: UInt64 = 4
  static let large: UInt64 = 0x80

  @_extern(c, "metal_kernel_cr3_address") static func kernelCR3Variable() -> UInt64
  @_extern(c, "metal_user_cr3_address") static func userCR3Variable() -> UInt64

  static func buildKernelTables() {
    for table in [Layout.kernelPML4, Layout.kernelPDPT, Layout.kernelPD, Layout.fixedPD, Layout.fixedPT] {
      Memory.fill(table, 0, 0x1000)
    }
    Memory.store64(Layout.kernelPML4, Layout.kernelPDPT | present | writable | user)
    Memory.store64(Layout.kernelPDPT, Layout.kernelPD | present | writable | user)
    Memory.store64(Layout.kernelPDPT + 8, Layout.fixedPD | present | writable | user)
    // 0–1 GiB identity, 2 MiB pages, user-accessible (only the KPTI tables restrict users).
    for index: UInt64 in 0..<512 {
      Memory.store64(Layout.kernelPD + index * 8, index << 21 | present | writable | user | large)
    }
    Memory.store64(Layout.fixedPD, Layout.fixedPT | present | writable | user)
    // The remap window (Layout.remapWindow): TSS page, two bitmap pages, terminator page.
    Memory.fill(Layout.remapTSSPage, 0, 0x1000)
    Memory.fill(Layout.remapTerminatorPage, 0xFF, 0x1000)
    Memory.fill(Layout.remapAllOnesPages, 0xFF, 0x2000)
    mapFixed(page: 0, to: Layout.remapTSSPage)
    mapFixed(page: 1, to: Layout.remapAllOnesPages)
    mapFixed(page: 2, to: Layout.remapAllOnesPages + 0x1000)
    mapFixed(page: 3, to: Layout.remapTerminatorPage)
    writeCR3(Layout.kernelPML4)
    Memory.store64(kernelCR3Variable(), Layout.kernelPML4)
  }

  /// Rewrites the PTE of page `page` of the fixed window (no INVLPG: the caller decides).
  static func mapFixed(page: UInt64, to physical: UInt64) {
    let index = (Layout.remapWindow - 0x4000_0000) / Layout.pageSize + page
    Memory.store64(Layout.fixedPT + index * 8, physical | present | writable)
  }

  /// The user tables: the entry area (supervisor) and the user pages (user), nothing else of
  /// the kernel; the fixed window shared with the kernel tables.
  static func buildUserTables() {
    for table in [Layout.userPML4, Layout.userPDPT, Layout.userPD, Layout.userPT] {
      Memory.fill(table, 0, 0x1000)
    }
    Memory.store64(Layout.userPML4, Layout.userPDPT | present | writable | user)
    Memory.store64(Layout.userPDPT, Layout.userPD | present | writable | user)
    Memory.store64(Layout.userPDPT + 8, Layout.fixedPD | present | writable | user)
    // The PT covers 2–4 MiB, where the entry area and the user pages lie.
    Memory.store64(Layout.userPD + 8, Layout.userPT | present | writable | user)
    var page = Layout.entryAreaStart
    while page < Layout.userEnd {
      let flags = page >= Layout.userStart ? present | writable | user : present | writable
      Memory.store64(Layout.userPT + ((page - 0x200000) >> 12) * 8, page | flags)
      page += Layout.pageSize
    }
  }

  /// Turns KPTI on (`metal_enter_user` and the trap exit load the user tables) or off.
  static func setIsolation(_ on: Bool) {
    Memory.store64(userCR3Variable(), on ? Layout.userPML4 : 0)
  }
}
