/// What a trap from CPL 3 does, set by whoever enters user mode.
enum TrapPolicy {
  /// Every trap ends the excursion (the differential, the designs without a #GP handler).
  case leave
  /// A #GP skips the 1-byte IN and resumes (the #GP round-trip timing).
  case skipInstruction
  /// A #GP goes to the lazy design's handler, which may fix the TSS and restart the IN.
  case lazyCopy
}

var trapPolicy = TrapPolicy.leave

/// Indices of the register frame entry.S builds (8-byte slots).
enum Frame {
  static let rax = 14, vector = 15, error = 16, rip = 17, cs = 18, rflags = 19, rsp = 20
}

/// What `metal_enter_user` returns: bit 63 set, the vector in bits 32–39, the error code (or
/// INT 0x80's RAX, or CR2's low bits for #PF) in bits 0–31.
enum Excursion {
  static func encode(vector: UInt64, detail: UInt64) -> UInt64 {
    1 << 63 | (vector & 0xFF) << 32 | (detail & 0xFFFF_FFFF)
  }
  static func vector(_ result: UInt64) -> UInt64 { (result >> 32) & 0xFF }
  static func detail(_ result: UInt64) -> UInt64 { result & 0xFFFF_FFFF }
}

/// Called by entry.S's trap_common with the frame; 0 resumes the interrupted code, anything
/// else ends the user excursion with that value.
@_cdecl("metal_trap")
func metal_trap(_ frame: UnsafeMutablePointer<UInt64>) -> UInt64 {
  let vector = frame[Frame.vector]
  let fromUser = frame[Frame.cs] & 3 == 3
  if vector == 8 {
    // The double fault of the KPTI demonstration (IST1); CS:RIP are undefined (SDM vol. 3
    // §6.15 "Interrupt 8"), so it always ends the excursion.
    return Excursion.encode(vector: 8, detail: frame[Frame.error])
  }
  guard fromUser else {
    Serial.text("@@E kernel trap vector ")
    Serial.hex(vector)
    Serial.text(" rip ")
    Serial.hex(frame[Frame.rip])
    Serial.text(" error ")
    Serial.hex(frame[Frame.error])
    Serial.text(" cr2 ")
    Serial.hex(readCR2())
    Serial.newline()
    powerOff(3)
  }
  switch vector {
  case 13:
    switch trapPolicy {
    case .leave: break
    case .skipInstruction:
      frame[Frame.rip] += 1
      return 0
    case .lazyCopy:
      if Designs.lazyGeneralProtection() { return 0 }
    }
    return Excursion.encode(vector: 13, detail: frame[Frame.error])
  case 14:
    return Excursion.encode(vector: 14, detail: readCR2())
  case 0x80:
    return Excursion.encode(vector: 0x80, detail: frame[Frame.rax])
  default:
    return Excursion.encode(vector: vector, detail: frame[Frame.error])
  }
}

/// One trip to CPL 3: `entry` runs with RDI = `argument0`, RSI = `argument1` and IOPL `iopl`,
/// interrupts off.
func runUser(_ entry: UInt64, iopl: UInt64 = 0, _ argument0: UInt64 = 0, _ argument1: UInt64 = 0) -> UInt64 {
  enterUser(entry, Layout.userStackTop, 0x2 | (iopl & 3) << 12, argument0, argument1)
}
