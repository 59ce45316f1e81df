import IOPBCPU
import Testing

/// A TSS with the map at 0x68 covering `mapBytes` bytes, the ports in `allowed` cleared, and
/// (when `terminator`) one trailing 0xFF byte; the limit ends at the last map byte.
private func makeTSS(
  allowed: [ClosedRange<Int>], mapBytes: Int = 8192, terminator: Bool = true, base: Int = 0x68,
  limit: Int? = nil
) -> TaskStateSegment {
  let end = base + mapBytes + (terminator ? 1 : 0)
  var tss = TaskStateSegment(size: end + 16, limit: limit ?? end - 1)
  tss.ioMapBase = UInt16(base)
  tss.fill(0xFF, at: base, count: mapBytes + 16)
  for range in allowed {
    for port in range { tss.write([tss.bytes[base + port / 8] & ~(1 << UInt8(port % 8))], at: base + port / 8) }
  }
  return tss
}

struct CheckCase: Sendable, CustomTestStringConvertible {
  var name: String
  var tss: TaskStateSegment
  var access: IOAccess
  var cpl: PrivilegeLevel = .ring3
  var iopl: PrivilegeLevel = .ring0
  var expected: IOPermissionDecision
  var testDescription: String { name }
}

@Suite struct IOPermissionCheckTests {
  static let cases: [CheckCase] = [
    CheckCase(
      name: "byte allowed", tss: makeTSS(allowed: [0x80...0x80]), access: IOAccess(port: 0x80),
      expected: .allowedByBitmap),
    CheckCase(
      name: "neighbour of an allowed byte", tss: makeTSS(allowed: [0x80...0x80]),
      access: IOAccess(port: 0x81), expected: .deniedByBit(port: 0x81)),
    CheckCase(
      name: "word across a byte boundary, upper bit set", tss: makeTSS(allowed: [7...7]),
      access: IOAccess(port: 7, width: .word), expected: .deniedByBit(port: 8)),
    CheckCase(
      name: "word across a byte boundary, both clear", tss: makeTSS(allowed: [7...8]),
      access: IOAccess(.out, port: 7, width: .word), expected: .allowedByBitmap),
    CheckCase(
      name: "dword across a byte boundary, last bit set", tss: makeTSS(allowed: [6...8]),
      access: IOAccess(.ins, port: 6, width: .dword), expected: .deniedByBit(port: 9)),
    CheckCase(
      name: "dword across a byte boundary, all clear", tss: makeTSS(allowed: [0x3fd...0x400]),
      access: IOAccess(.outs, port: 0x3fd, width: .dword), expected: .allowedByBitmap),
    CheckCase(
      name: "dword at bit 5: its 4 bits span bytes", tss: makeTSS(allowed: [0x15...0x17]),
      access: IOAccess(port: 0x15, width: .dword), expected: .deniedByBit(port: 0x18)),
    CheckCase(
      name: "port 0xffff byte reads the terminator as second byte",
      tss: makeTSS(allowed: [0xFFFF...0xFFFF]), access: IOAccess(port: 0xFFFF),
      expected: .allowedByBitmap),
    CheckCase(
      name: "port 0xffff word: bit 0x10000 is in the terminator",
      tss: makeTSS(allowed: [0xFFF0...0xFFFF]), access: IOAccess(port: 0xFFFF, width: .word),
      expected: .deniedByBit(port: 0x10000)),
    CheckCase(
      name: "port 0xffff dword", tss: makeTSS(allowed: [0xFFF0...0xFFFF]),
      access: IOAccess(port: 0xFFFF, width: .dword), expected: .deniedByBit(port: 0x10000)),
    CheckCase(
      name: "port 0xfffc dword fits", tss: makeTSS(allowed: [0xFFFC...0xFFFF]),
      access: IOAccess(port: 0xFFFC, width: .dword), expected: .allowedByBitmap),
    CheckCase(
      name: "missing terminator: the second byte lies past the limit",
      tss: makeTSS(allowed: [0...0xFFFF], terminator: false), access: IOAccess(port: 0xFFF8),
      expected: .deniedByLimit(offset: 0x68 + 8192)),
    CheckCase(
      name: "missing terminator: lower ports are unaffected",
      tss: makeTSS(allowed: [0...0xFFFF], terminator: false), access: IOAccess(port: 0xFFF7),
      expected: .allowedByBitmap),
    CheckCase(
      name: "base at the limit: first byte in, second out",
      tss: makeTSS(allowed: [0...0xFFFF], base: 0x68, limit: 0x68), access: IOAccess(port: 0),
      expected: .deniedByLimit(offset: 0x69)),
    CheckCase(
      name: "base past the limit (Linux's INVALID offset)",
      tss: makeTSS(allowed: [0...0xFFFF], base: 0x100, limit: 0xFF), access: IOAccess(port: 0),
      expected: .deniedByLimit(offset: 0x100)),
    CheckCase(
      name: "limit ending inside the map: ports covered are checked",
      tss: makeTSS(allowed: [0...0xFFFF], limit: 0x68 + 10), access: IOAccess(port: 79),
      expected: .allowedByBitmap),
    CheckCase(
      name: "limit ending inside the map: SDM's 80-port example",
      tss: makeTSS(allowed: [0...0xFFFF], limit: 0x68 + 10), access: IOAccess(port: 80),
      expected: .deniedByLimit(offset: 0x68 + 11)),
    CheckCase(
      name: "VMX limit 0x67 denies every port",
      tss: makeTSS(allowed: [0...0xFFFF], limit: TaskStateSegment.vmExitLimit),
      access: IOAccess(port: 0x80), expected: .deniedByLimit(offset: 0x68 + 0x10)),
    CheckCase(
      name: "IOPL 3 at CPL 3 skips the map", tss: makeTSS(allowed: [], base: 0x4000, limit: 0x67),
      access: IOAccess(port: 0xFFFF, width: .dword), iopl: .ring3, expected: .allowedByIOPL),
    CheckCase(
      name: "IOPL 2 at CPL 3 reads the map", tss: makeTSS(allowed: []), access: IOAccess(port: 1),
      iopl: .ring2, expected: .deniedByBit(port: 1)),
    CheckCase(
      name: "CPL 0 with IOPL 0 skips the map", tss: makeTSS(allowed: []),
      access: IOAccess(port: 1), cpl: .ring0, expected: .allowedByIOPL),
  ]

  @Test(arguments: cases)
  func decision(_ testCase: CheckCase) {
    let decision = IOPermissionCheck.decide(
      testCase.access, tss: testCase.tss, cpl: testCase.cpl, iopl: testCase.iopl)
    #expect(decision == testCase.expected)
  }

  @Test(arguments: IOAccessWidth.allCases)
  func everyWidthIsTestedBitByBit(_ width: IOAccessWidth) {
    // Deny one port at a time inside the access window: each must be caught.
    for offset in 0..<width.rawValue {
      let denied = 0x2F + offset
      var tss = makeTSS(allowed: [0x20...0x40])
      tss.write([tss.bytes[0x68 + denied / 8] | 1 << UInt8(denied % 8)], at: 0x68 + denied / 8)
      let decision = IOPermissionCheck.decide(IOAccess(port: 0x2F, width: width), tss: tss)
      #expect(decision == .deniedByBit(port: denied), "width \(width), denied port \(denied)")
    }
  }

  @Test func mapBaseIsLittleEndianAtOffset0x66() {
    var tss = TaskStateSegment(size: 0x68, limit: 0x67)
    tss.ioMapBase = 0x4088
    #expect(tss.bytes[0x66] == 0x88)
    #expect(tss.bytes[0x67] == 0x40)
    #expect(tss.ioMapBase == 0x4088)
  }
}
