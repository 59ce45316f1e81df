/// The metal kernel's entry from entry.S (long mode, boot tables, interrupts off).
@_cdecl("metal_main")
func metal_main(_ multibootInfo: UInt64) {
  Serial.initialise()
  Serial.text("@@I boot metal\n")
  Paging.buildKernelTables()
  Paging.buildUserTables()
  Descriptors.installGDT()
  Descriptors.installIDT()
  Descriptors.setStacks(tss: Layout.fixedTSS)
  Descriptors.loadTSS(Selector.tss, base: Layout.fixedTSS, limit: 0x67)
  guard var program = ProgramReader.module(info: multibootInfo) else { panic("no program module") }
  Serial.text("@@I tsc-start ")
  Serial.hex(tscBegin())
  Serial.newline()
  while let command = program.command() {
    switch command {
    case 0x56: Differential.run(&program)  // V
    case 0x44: Designs.start(&program)  // D
    case 0x4E: Designs.create(&program)  // N
    case 0x46: Designs.fork(&program)  // F
    case 0x49: Designs.ioperm(&program)  // I
    case 0x4C: Designs.iopl(&program)  // L
    case 0x41: Designs.access(&program)  // A
    case 0x53: Designs.switchTo(&program)  // S
    case 0x4D: Designs.vmExit()  // M
    case 0x45: Designs.end()  // E
    case 0x54: Timing.run(&program)  // T
    case 0x4B: Isolation.demonstrate()  // K
    case 0x57: Isolation.wholeOutside()  // W
    case 0x23: program.skipLine()  // # comment
    default: panic("unknown command", UInt64(command))
    }
  }
  Serial.text("@@DONE\n")
  powerOff(0)
}
