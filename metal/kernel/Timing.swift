/// Cycle counts by RDTSC in ring 0 (LFENCE;RDTSC … RDTSCP;LFENCE, SDM vol. 2 RDTSC/RDTSCP):
/// the minimum and median of many runs of each operation the designs pay for.
enum Timing {
  static let samples: UInt64 = 0x1A1_0000
  static let maxRuns = 2048

  /// `T runs`: prints `@@T KEY BYTES MIN MEDIAN` per measurement (cycles, the empty
  /// measurement's minimum not subtracted; KEY `overhead` is that measurement) and
  /// `@@I cpu VENDOR/BRAND` first.
  static func run(_ reader: inout ProgramReader) {
    let runs = Int(min(reader.require(), UInt64(maxRuns)))
    guard runs > 0 else { panic("timing: no runs") }
    printBrand()
    measure("overhead", 0, runs) {}
    let tss = Layout.linuxTSS
    LinuxLayout.setUp(tss)
    Descriptors.loadTSS(Selector.tss, base: tss, limit: LinuxLayout.limit)
    Memory.fill(Layout.timingSource, 0, 0x2000)
    var size = 8
    while size <= 0x2000 {
      let bytes = size
      measure("copy-hot", UInt64(bytes), runs) {
        Memory.copy(tss + LinuxLayout.validMap, Layout.timingSource, bytes)
      }
      measure("copy-cold", UInt64(bytes), runs, prepare: {
        var line: UInt64 = 0
        while line < UInt64(bytes) {
          cacheLineFlush(Layout.timingSource + line)
          line += 64
        }
        memoryFence()
      }) {
        Memory.copy(tss + LinuxLayout.validMap, Layout.timingSource, bytes)
      }
      size *= 2
    }
    measure("map-base-write", 2, runs) { Memory.store16(tss + 0x66, UInt16(LinuxLayout.validMap)) }
    Memory.store16(tss + 0x66, UInt16(LinuxLayout.invalid))
    // INVLPG of a bitmap page of the remap window, and the first access after it.
    let window = Layout.remapWindow + 0x1000
    _ = Memory.load8(window)
    measure("access-hot", 1, runs) { _ = Memory.load8(window) }
    measure("invlpg", 0, runs) { invalidatePage(window) }
    measure("invlpg-access", 1, runs) {
      invalidatePage(window)
      _ = Memory.load8(window)
    }
    // LTR: the busy bit cleared first (SDM vol. 2 LTR), with and without the descriptor
    // rewrite that points it at another TSS.
    measure("ltr", 0, runs) {
      Descriptors.clearBusy(Selector.tss)
      loadTaskRegister(Selector.tss)
    }
    measure("descriptor-ltr", 0, runs) {
      Descriptors.writeTSSDescriptor(Selector.tss, base: tss, limit: LinuxLayout.limit)
      loadTaskRegister(Selector.tss)
    }
    // The #GP round trip: a denied INB at CPL 3, the handler skips it, IRETQ.
    trapPolicy = .skipInstruction
    _ = runUser(userGPLoopEntry(), 0x80, UInt64(runs))
    trapPolicy = .leave
    for index in 0..<runs { Memory.store64(samples + UInt64(index) * 8, Memory.load64(Layout.userSamples + UInt64(index) * 8)) }
    report("gp-roundtrip", 1, runs)
  }

  private static func measure(
    _ key: StaticString, _ bytes: UInt64, _ runs: Int, prepare: () -> Void = {}, _ body: () -> Void
  ) {
    body()  // warm the code and the data
    for index in 0..<runs {
      prepare()
      let start = tscBegin()
      body()
      let end = tscEnd()
      Memory.store64(samples + UInt64(index) * 8, end &- start)
    }
    report(key, bytes, runs)
  }

  private static func report(_ key: StaticString, _ bytes: UInt64, _ runs: Int) {
    // insertion sort: a few thousand values
    for index in 1..<max(runs, 1) {
      let value = Memory.load64(samples + UInt64(index) * 8)
      var slot = index
      while slot > 0, Memory.load64(samples + UInt64(slot - 1) * 8) > value {
        Memory.store64(samples + UInt64(slot) * 8, Memory.load64(samples + UInt64(slot - 1) * 8))
        slot -= 1
      }
      Memory.store64(samples + UInt64(slot) * 8, value)
    }
    Serial.text("@@T ")
    Serial.text(key)
    Serial.space()
    Serial.decimal(bytes)
    Serial.space()
    Serial.decimal(Memory.load64(samples))
    Serial.space()
    Serial.decimal(Memory.load64(samples + UInt64(runs / 2) * 8))
    Serial.newline()
  }

  private static func printBrand() {
    var registers: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    Serial.text("@@I cpu ")
    withUnsafeMutablePointer(to: &registers) { pointer in
      pointer.withMemoryRebound(to: UInt32.self, capacity: 4) { words in
        cpuid(0, words)
        for word in [words[1], words[3], words[2]] { printWord(word) }
        Serial.byte(0x2F)
        cpuid(0x8000_0000, words)
        guard words[0] >= 0x8000_0004 else { return }
        for leaf: UInt32 in 0x8000_0002...0x8000_0004 {
          cpuid(leaf, words)
          for index in 0..<4 { printWord(words[index]) }
        }
      }
    }
    Serial.newline()
  }

  private static func printWord(_ word: UInt32) {
    for shift: UInt32 in [0, 8, 16, 24] {
      let byte = UInt8(truncatingIfNeeded: word >> shift)
      if byte >= 0x20 && byte < 0x7F { Serial.byte(byte) }
    }
  }
}
