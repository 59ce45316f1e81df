// The instructions Swift cannot say, one wrapper each in metal/entry.S.

@_extern(c, "metal_inb") func inb(_ port: UInt16) -> UInt8
@_extern(c, "metal_outb") func outb(_ port: UInt16, _ value: UInt8)
@_extern(c, "metal_load_gdt") func loadGDT(_ base: UInt64, _ limit: UInt16)
@_extern(c, "metal_load_idt") func loadIDT(_ base: UInt64, _ limit: UInt16)
@_extern(c, "metal_ltr") func loadTaskRegister(_ selector: UInt16)
@_extern(c, "metal_str") func storeTaskRegister() -> UInt16
@_extern(c, "metal_invlpg") func invalidatePage(_ address: UInt64)
@_extern(c, "metal_read_cr2") func readCR2() -> UInt64
@_extern(c, "metal_read_cr3") func readCR3() -> UInt64
@_extern(c, "metal_write_cr3") func writeCR3(_ value: UInt64)
@_extern(c, "metal_tsc_begin") func tscBegin() -> UInt64
@_extern(c, "metal_tsc_end") func tscEnd() -> UInt64
@_extern(c, "metal_clflush") func cacheLineFlush(_ address: UInt64)
@_extern(c, "metal_mfence") func memoryFence()
@_extern(c, "metal_halt") func haltForever()

/// Stops the CPU for good.
func halt() -> Never {
  while true { haltForever() }
}
@_extern(c, "memcpy") func copyBytes(_ destination: UInt64, _ source: UInt64, _ count: Int) -> UInt64
@_extern(c, "memset") func setBytes(_ destination: UInt64, _ value: Int32, _ count: Int) -> UInt64
/// IRETQ to CPL 3 at `rip` with `rsp` and `rflags`, RDI = `argument0`, RSI = `argument1`;
/// returns the value ``metal_trap`` chose when it ended the excursion.
@_extern(c, "metal_enter_user")
func enterUser(_ rip: UInt64, _ rsp: UInt64, _ rflags: UInt64, _ argument0: UInt64, _ argument1: UInt64) -> UInt64

// Addresses of entry.S symbols (fixed by metal/linker.ld).
@_extern(c, "metal_user_io_address") func userIOEntry() -> UInt64
@_extern(c, "metal_user_gp_loop_address") func userGPLoopEntry() -> UInt64
@_extern(c, "metal_user_syscall_address") func userSyscallEntry() -> UInt64

/// Raw memory at a physical (identity-mapped) address.
enum Memory {
  @inline(__always) static func load8(_ address: UInt64) -> UInt8 {
    UnsafePointer<UInt8>(bitPattern: UInt(address))!.pointee
  }
  @inline(__always) static func store8(_ address: UInt64, _ value: UInt8) {
    UnsafeMutablePointer<UInt8>(bitPattern: UInt(address))!.pointee = value
  }
  @inline(__always) static func load16(_ address: UInt64) -> UInt16 {
    UnsafePointer<UInt16>(bitPattern: UInt(address))!.pointee
  }
  @inline(__always) static func store16(_ address: UInt64, _ value: UInt16) {
    UnsafeMutablePointer<UInt16>(bitPattern: UInt(address))!.pointee = value
  }
  @inline(__always) static func load32(_ address: UInt64) -> UInt32 {
    UnsafePointer<UInt32>(bitPattern: UInt(address))!.pointee
  }
  @inline(__always) static func load64(_ address: UInt64) -> UInt64 {
    UnsafePointer<UInt64>(bitPattern: UInt(address))!.pointee
  }
  @inline(__always) static func store64(_ address: UInt64, _ value: UInt64) {
    UnsafeMutablePointer<UInt64>(bitPattern: UInt(address))!.pointee = value
  }
  static func fill(_ address: UInt64, _ value: UInt8, _ count: Int) {
    _ = setBytes(address, Int32(value), count)
  }
  static func copy(_ destination: UInt64, _ source: UInt64, _ count: Int) {
    _ = copyBytes(destination, source, count)
  }
}

@_extern(c, "metal_cpuid") func cpuid(_ leaf: UInt32, _ out: UnsafeMutablePointer<UInt32>)
