import IOPBCPU
import Testing

/// One row of the SDM's CLI/STI decision (vol. 2, CLI and STI, protected mode, CR4.PVI = 0):
/// the instruction executes when CPL ≤ IOPL and raises #GP(0) otherwise.
struct InterruptFlagRow: Sendable, CustomTestStringConvertible {
  var cpl: PrivilegeLevel
  var iopl: PrivilegeLevel
  var executes: Bool
  var testDescription: String { "CPL \(cpl), IOPL \(iopl): \(executes ? "executes" : "#GP(0)")" }
}

@Suite struct InterruptFlagInstructionTests {
  /// Every (CPL, IOPL) pair, written out rather than computed.
  static let sdmTable: [InterruptFlagRow] = [
    InterruptFlagRow(cpl: .ring0, iopl: .ring0, executes: true),
    InterruptFlagRow(cpl: .ring0, iopl: .ring1, executes: true),
    InterruptFlagRow(cpl: .ring0, iopl: .ring2, executes: true),
    InterruptFlagRow(cpl: .ring0, iopl: .ring3, executes: true),
    InterruptFlagRow(cpl: .ring1, iopl: .ring0, executes: false),
    InterruptFlagRow(cpl: .ring1, iopl: .ring1, executes: true),
    InterruptFlagRow(cpl: .ring1, iopl: .ring2, executes: true),
    InterruptFlagRow(cpl: .ring1, iopl: .ring3, executes: true),
    InterruptFlagRow(cpl: .ring2, iopl: .ring0, executes: false),
    InterruptFlagRow(cpl: .ring2, iopl: .ring1, executes: false),
    InterruptFlagRow(cpl: .ring2, iopl: .ring2, executes: true),
    InterruptFlagRow(cpl: .ring2, iopl: .ring3, executes: true),
    InterruptFlagRow(cpl: .ring3, iopl: .ring0, executes: false),
    InterruptFlagRow(cpl: .ring3, iopl: .ring1, executes: false),
    InterruptFlagRow(cpl: .ring3, iopl: .ring2, executes: false),
    InterruptFlagRow(cpl: .ring3, iopl: .ring3, executes: true),
  ]

  @Test(arguments: sdmTable)
  func cliAndSTIFollowTheSDMTable(_ row: InterruptFlagRow) {
    #expect(InterruptFlagInstruction.executes(cpl: row.cpl, iopl: row.iopl) == row.executes)
  }

  /// The I/O permission bit map is not consulted: with every port open in the TSS, an IN at
  /// CPL 3 and IOPL 0 is allowed by the map, while CLI and STI at the same levels fault.
  @Test func anOpenIOBitmapDoesNotLetCLIOrSTIRun() {
    let base = 0x68
    var tss = TaskStateSegment(size: base + 8192 + 1, limit: base + 8192)
    tss.ioMapBase = UInt16(base)
    tss.fill(0x00, at: base, count: 8192)
    tss.fill(0xFF, at: base + 8192, count: 1)
    #expect(IOPermissionCheck.decide(IOAccess(port: 0x80), tss: tss, cpl: .ring3, iopl: .ring0) == .allowedByBitmap)
    #expect(!InterruptFlagInstruction.executes(cpl: .ring3, iopl: .ring0))
  }
}
