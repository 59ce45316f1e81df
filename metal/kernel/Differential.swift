/// The CPU check, differentially: the host's vector sets the TSS exactly so, and the IN runs
/// at CPL 3 (SDM vol. 1 §13.5.2). A #GP is a deny.
enum Differential {
  /// `V id limit base iopl width port fill n (offset value)×n`: bytes 0x68 up to the limit set
  /// to `fill`, then the n patches, the map base at 0x66, TR loaded
  /// with the inclusive `limit`. Prints `@@R id A` (allowed) or `@@R id G error` (#GP).
  static func run(_ reader: inout ProgramReader) {
    let id = reader.require()
    let limit = reader.require()
    let base = reader.require()
    let iopl = reader.require()
    let width = reader.require()
    let port = reader.require()
    let fill = reader.require()
    let patches = reader.require()
    // A limit from 0x2F keeps RSP0 and IST1 inside the segment (the INT 0x80 back needs RSP0).
    guard limit >= 0x2F, limit < UInt64(Layout.vectorTSSSize), base <= 0xFFFF,
      width == 1 || width == 2 || width == 4, port <= 0xFFFF, iopl <= 3
    else { panic("vector out of range", id) }
    let tss = Layout.vectorTSS
    // The CPU reads nothing past the limit: filling up to it sets every byte that can matter.
    if limit >= 0x68 { Memory.fill(tss + 0x68, UInt8(truncatingIfNeeded: fill), Int(limit + 1 - 0x68)) }
    for _ in 0..<patches {
      let offset = reader.require()
      let value = reader.require()
      guard offset >= 0x68, offset < UInt64(Layout.vectorTSSSize) else { panic("patch offset", offset) }
      Memory.store8(tss + offset, UInt8(truncatingIfNeeded: value))
    }
    Memory.store16(tss + 0x66, UInt16(base))
    Descriptors.setStacks(tss: tss)
    Descriptors.loadTSS(Selector.tss, base: tss, limit: limit)
    trapPolicy = .leave
    let result = runUser(userIOEntry(), iopl: iopl, port, width)
    Serial.text("@@R ")
    Serial.hex(id)
    switch Excursion.vector(result) {
    case 0x80:
      Serial.text(" A")
    case 13:
      Serial.text(" G ")
      Serial.hex(Excursion.detail(result))
    default:
      Serial.text(" X ")
      Serial.hex(Excursion.vector(result))
    }
    Serial.newline()
  }
}
