import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBScenario
import IOPBSimulator
import IOPBStrategies
import Testing

/// What sets each design apart, on short scenarios: where it pays, and exactly what its
/// documented limitations break.
@Suite struct DesignSpecificTests {
  func run<S: SwitchStrategy>(_ text: String, _ strategy: S) throws -> ScenarioRun {
    ScenarioRunner.run(try ScenarioParser.parse(text, source: "t.scn"), strategy: strategy)
  }

  /// Each line's violations as "KIND by THREAD PORT", with scenario thread names.
  func violations(_ run: ScenarioRun) -> [Int: [String]] {
    var lines: [Int: [String]] = [:]
    for record in run.records where !record.violations.isEmpty {
      lines[record.step.location.line] = record.violations.map { violation in
        let name = run.threadNames[violation.thread] ?? violation.thread.description
        return switch violation.kind {
        case .leak(let access, _): "leak by \(name) \(access)"
        case .wrongDenial(let access, _): "wrong denial of \(name) \(access)"
        case .interruptFlagChanged(let instruction): "\(instruction.rawValue) by \(name)"
        case .kernelFault(let fault): "fault by \(name): \(fault)"
        case .referenceDiverged: "reference diverged at \(name)"
        }
      }
    }
    return lines
  }

  @Test func limitationsAndKPTIAreDeclaredAsData() {
    let limited = StrategyCatalog.all.filter { !$0.limitations.isEmpty }.map(\.name)
    #expect(limited == ["netbsd-i386", "helenos", "windows-nt", "zircon", "redox"])
    let noKPTI = StrategyCatalog.all.filter { !$0.kptiCompatible }.map(\.name)
    #expect(noKPTI == ["per-thread-tss-ltr"])
  }

  @Test func perThreadTSSCopiesStackFieldsOnlyAfterMigration() throws {
    let text = """
      cpus 2
      process a cpu0
      a: ioperm 0x80 1 1
      a: inb 0x80 -> allow
      a: migrate cpu1
      a: inb 0x80 -> allow
      a: migrate cpu0
      a: inb 0x80 -> allow
      """
    let run = try run(text, PerThreadTSSStrategy())
    #expect(run.passed, "\(run.render())")
    // Allocation copies the 104-byte hardware part on cpu0; each migration copies 88 bytes.
    #expect(run.counts.bytesCopied == 104 + 88 + 88)
    // LTR: none for the first switch to a (the CPU's own TSS is loaded), ioperm loads a's TSS,
    // then per migration the old CPU goes back to its own and the new one loads a's: 1 + 2 × 2.
    #expect(run.counts.taskRegisterLoads == 5)
  }

  /// Anvin: threads without ioperm run on the per-CPU TSS, so only a switch that changes the
  /// TSS to run on loads TR.
  @Test(arguments: [
    (first: false, second: false, loads: 0), (first: true, second: false, loads: 1),
    (first: false, second: true, loads: 1), (first: true, second: true, loads: 1),
  ])
  func perThreadTSSLoadsTROnlyWhenTheTSSChanges(first: Bool, second: Bool, loads: Int) throws {
    var machine = Machine(strategy: PerThreadTSSStrategy(), cpuCount: 1)
    let a = try machine.spawn(credentials: .root, on: 0)
    let b = try machine.spawn(credentials: .root, on: 0)
    for (thread, holds) in [(a, first), (b, second)] {
      for step in machine.preparation(for: thread) { _ = try machine.apply(step) }
      if holds { _ = try machine.apply(.syscall(thread, .ioperm(from: 0x80, count: 1, turnOn: true))) }
    }
    _ = try machine.apply(.contextSwitch(cpu: 0, to: a))
    let before = machine.counts.taskRegisterLoads
    _ = try machine.apply(.contextSwitch(cpu: 0, to: b))
    #expect(machine.counts.taskRegisterLoads - before == loads)
    #expect(machine.counts.descriptorWrites - machine.counts.taskRegisterLoads == 0)
  }

  @Test func perThreadTSSMappedIntoTheEntryAreaPaysPTEsAndINVLPGs() throws {
    let strategy = PerThreadTSSStrategy(mapsIntoEntryArea: true)
    #expect(strategy.name == "per-thread-tss-ltr+cea-map")
    #expect(strategy.kptiCompatible)
    let text = """
      process a cpu0
      process b cpu0
      a: ioperm 0x80 1 1
      b: inb 0x80 -> deny
      a: inb 0x80 -> allow
      """
    let run = try run(text, strategy)
    #expect(run.passed, "\(run.render())")
    // a's TSS is mapped at ioperm, the CPU's own for b, a's again: 3 maps of 3 pages each
    // (hardware part and 8 KiB map with its tail: 0x2080 bytes).
    #expect(run.counts.pageTableWrites == 9)
    #expect(run.counts.pageInvalidations == 9)
    // LTR at ioperm, back to the CPU's TSS for b, a's again: the first switch to a loads none.
    #expect(run.counts.taskRegisterLoads == 3)
  }

  /// i386 reloads TR whenever it switches to a private-TSS thread; amd64 compares the TSS pointer
  /// first. The two differ only if cpu_switch() ran for the thread already running, which
  /// neither kernel's scheduler does (`sched_switch()` calls it only when the thread changes), and
  /// the machine, like Linux's schedule(), treats a re-pick as no switch at all.
  @Test func freeBSDAmd64AndI386ReloadAlikeWhenTheThreadChanges() throws {
    func ltrs<S: SwitchStrategy>(_ strategy: S) throws -> (repick: Int, roundTrip: Int) {
      var machine = Machine(strategy: strategy, cpuCount: 1)
      let a = try machine.spawn(credentials: .root, on: 0)
      let b = try machine.spawn(credentials: .root, on: 0)
      for step in [
        MachineStep.contextSwitch(cpu: 0, to: a), .returnToUser(cpu: 0),
        .syscall(a, .ioperm(from: 0x80, count: 1, turnOn: true)),
      ] { _ = try machine.apply(step) }
      let start = machine.counts.taskRegisterLoads
      _ = try machine.apply(.contextSwitch(cpu: 0, to: a))
      let repick = machine.counts.taskRegisterLoads - start
      _ = try machine.apply(.contextSwitch(cpu: 0, to: b))
      _ = try machine.apply(.contextSwitch(cpu: 0, to: a))
      return (repick, machine.counts.taskRegisterLoads - start - repick)
    }
    let amd64 = try ltrs(FreeBSDAmd64Strategy())
    let i386 = try ltrs(FreeBSDi386Strategy())
    #expect(amd64.repick == 0 && i386.repick == 0)
    // a's private TSS → common TSS for b → a's private TSS again: two loads in both designs.
    #expect(amd64.roundTrip == 2)
    #expect(i386.roundTrip == 2)
  }

  /// The merged i386 design faults once and then finds its own copy through the owner check;
  /// Libenzi's posting (no owner check) faults again after every switch back.
  @Test(arguments: [(LazyGPCopyStrategy(), 1), (LazyGPCopyStrategy(checksOwner: false), 2)])
  func lazyCopyFaultsUntilTheTSSHoldsTheBitmap(_ strategy: LazyGPCopyStrategy, faults: Int) throws {
    let text = """
      process a cpu0
      process b cpu0
      a: ioperm 0x80 1 1
      a: inb 0x80 -> allow
      a: inb 0x80 -> allow
      a: inb 0x81 -> deny
      b: inb 0x80 -> deny
      a: inb 0x80 -> allow
      """
    let run = try run(text, strategy)
    #expect(run.passed, "\(run.render())")
    // The first access after ioperm faults and copies a's 24 bytes; the denied 0x81 finds a
    // valid base and is no fixup. Back from b the owner check finds a's copy (a valid base);
    // without it the first access faults and copies again.
    #expect(run.counts.generalProtectionFixups == faults)
    #expect(run.counts.bytesCopied == 24 * faults)
  }

  @Test func remapFlushesForAnotherMapAndForAFreedOne() throws {
    let text = """
      process a cpu0
      process b cpu0
      a: ioperm 0x80 1 1
      b: ioperm 0x3f8 8 1
      a: inb 0x80 -> allow
      a: ioperm 0x80 1 0
      b: inb 0x3f8 -> allow
      """
    let run = try run(text, RemapInvlpgStrategy())
    #expect(run.passed, "\(run.render())")
    // Two pages each time: map a's, map b's, map a's again, the all-ones pages when a's is
    // freed while mapped, b's again: 5 remaps.
    #expect(run.counts.pageInvalidations == 10)
    #expect(run.counts.pageTableWrites == 10)
    #expect(run.counts.bytesCopied == 0)
  }

  @Test func remapUnmapsAFreedBitmapOnEveryCPUThatMapsIt() throws {
    let text = """
      cpus 2
      process a cpu0
      a: ioperm 0x80 1 1
      a: migrate cpu1
      a: inb 0x80 -> allow
      a: ioperm 0x80 1 0
      """
    let run = try run(text, RemapInvlpgStrategy())
    #expect(run.passed, "\(run.render())")
    // a's 2 pages are mapped on cpu0 at ioperm and on cpu1 after the migration; freeing the
    // bitmap maps the all-ones pages on both (cpu0 by shootdown): 4 remaps of 2 pages.
    #expect(run.counts.pageInvalidations == 8)
    // The access on cpu1 reads page 0 once after its remap.
    #expect(run.counts.tlbMisses == 1)
  }

  @Test func helenOSInstallsOnTheFaultAfterEnabling() throws {
    let text = """
      process a cpu0
      a: ioperm 0x80 1 1
      a: inb 0x80 -> allow
      a: inb 0x80 -> allow
      """
    let run = try run(text, HelenOSStrategy())
    #expect(run.passed, "\(run.render())")
    // The switch to a installs n = 0; ioperm touches no TSS; the first access faults on the
    // stale generation and installs 17 bytes (ports up to 0x80) and the byte after them; the
    // second runs as is.
    #expect(run.counts.generalProtectionFixups == 1)
    #expect(run.counts.bytesCopied == 17 + 1)
    #expect(run.counts.taskRegisterLoads == 2)
  }

  @Test func helenOSLeaksBetweenThreadsOfOneTask() throws {
    let text = """
      process a cpu0
      a: ioperm 0x80 1 1
      a: thread t
      t: ioperm 0x80 1 0
      a: inb 0x80 -> allow
      t: inb 0x80 -> deny
      """
    let run = try run(text, HelenOSStrategy())
    // a's map is installed by its #GP; the switch to t stays within the task: nothing installed.
    #expect(violations(run) == [6: ["leak by t inb 0x80"]])
    #expect(run.failures.map(\.step.location.line) == [6])
  }

  @Test func windowsNTEnablesWholeProcesses() throws {
    let text = """
      process a cpu0
      a: ioperm 0x80 1 1
      a: thread t
      t: ioperm 0x80 1 0
      t: inb 0x80 -> deny
      """
    let run = try run(text, WindowsNTStrategy())
    // t dropped its copy of the bitmap, but a still holds one: the process stays enabled.
    #expect(violations(run) == [5: ["leak by t inb 0x80"]])
  }

  @Test func xenPVWithoutForwardedInvalidationIsXSA329() throws {
    let text = """
      process a cpu0
      process b cpu0 user
      a: ioperm 0x80 1 1
      a: inb 0x80 -> allow
      b: inb 0x80 -> deny
      """
    let fixed = try run(text, XenPVStrategy())
    #expect(fixed.passed, "\(fixed.render())")
    let vulnerable = try run(text, XenPVStrategy(forwardsInvalidation: false))
    #expect(vulnerable.strategy == "xen-pv+xsa-329")
    #expect(violations(vulnerable) == [5: ["leak by b inb 0x80"]])
    #expect(vulnerable.records.last?.invariantViolations == [InvariantViolation(.hypervisorKeepsInvalidatedMap, at: .cpu(0))])
  }

  @Test func netBSDCoversOnlyTheFirst1024Ports() throws {
    let text = """
      process a cpu0
      a: ioperm 0x3ff 2 1
      a: inb 0x3ff -> allow
      a: inb 0x400 -> allow
      a: iopl 3
      a: inb 0x400 -> allow
      """
    let run = try run(text, NetBSDi386Strategy())
    // 0x3ff: its second map byte lies past the descriptor limit (sizeof(i386tss) + IOMAPSIZE
    // - 1); under iopl(3) the model's all-zero map keeps a readable tail and reaches 0x3ff.
    #expect(violations(run) == [3: ["wrong denial of a inb 0x3ff"], 4: ["wrong denial of a inb 0x400"], 6: ["wrong denial of a inb 0x400"]])
  }
}

@Suite struct BitmapByteRangeTests {
  @Test(arguments: [0..<0, 0..<3, 5..<16, 14..<20, 16..<24, 30..<31])
  func bulkRangeMatchesBytewise(_ range: Range<Int>) {
    var bitmap = IOBitmap(portCount: 128)
    bitmap.set(allowed: true, from: 3, count: 90)
    let bytewise = range.map { $0 < 16 ? bitmap.byte(at: $0) : 0xFF }
    #expect(bitmap.bytesOrAllOnes(in: range) == bytewise)
  }
}
