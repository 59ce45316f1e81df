/// The host's program, loaded by QEMU as the Multiboot module: lines of a command letter and
/// hexadecimal fields separated by spaces (docs/metal.md §Protocol).
struct ProgramReader {
  var cursor: UInt64
  let end: UInt64

  /// The first module of the Multiboot information at `info` (Multiboot 0.6.96 §3.3:
  /// flags bit 3, mods_count at +20, mods_addr at +24, each module start/end/string/reserved).
  static func module(info: UInt64) -> ProgramReader? {
    guard Memory.load32(info) & (1 << 3) != 0, Memory.load32(info + 20) > 0 else { return nil }
    let module = UInt64(Memory.load32(info + 24))
    return ProgramReader(cursor: UInt64(Memory.load32(module)), end: UInt64(Memory.load32(module + 4)))
  }

  var atEnd: Bool { cursor >= end }

  /// The next line's command letter, skipping blank lines; nil at the end.
  mutating func command() -> UInt8? {
    while cursor < end {
      let byte = Memory.load8(cursor)
      cursor += 1
      if byte != 0x0A && byte != 0x20 && byte != 0x0D { return byte }
    }
    return nil
  }

  /// The next hexadecimal field of the line; nil at the end of the line.
  mutating func field() -> UInt64? {
    while cursor < end, Memory.load8(cursor) == 0x20 { cursor += 1 }
    guard cursor < end, Memory.load8(cursor) != 0x0A else { return nil }
    var value: UInt64 = 0
    while cursor < end {
      let byte = Memory.load8(cursor)
      let digit: UInt64
      switch byte {
      case 0x30...0x39: digit = UInt64(byte - 0x30)
      case 0x61...0x66: digit = UInt64(byte - 0x57)
      default: return value
      }
      value = value << 4 | digit
      cursor += 1
    }
    return value
  }

  /// A required field; a malformed program stops the kernel with an `@@E` line.
  mutating func require() -> UInt64 {
    guard let value = field() else { panic("program: missing field at", cursor) }
    return value
  }

  mutating func skipLine() {
    while cursor < end, Memory.load8(cursor) != 0x0A { cursor += 1 }
  }
}
