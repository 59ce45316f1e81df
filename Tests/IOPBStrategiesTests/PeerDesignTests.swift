import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBMachine
import IOPBScenario
import IOPBSimulator
import IOPBStrategies
import Testing

/// What sets Zircon, seL4 and Redox apart, checked by hand: where each pays, what its declared
/// limitation breaks and that the double check's violations it causes are explained.
@Suite struct PeerDesignTests {
  func apply<S: SwitchStrategy>(_ steps: [MachineStep], to machine: inout Machine<S>) throws {
    for step in steps { _ = try machine.apply(step) }
  }

  /// Brings `thread` onto its CPU in user mode.
  func run<S: SwitchStrategy>(_ thread: ThreadID, on machine: inout Machine<S>) throws {
    try apply(machine.preparation(for: thread), to: &machine)
  }

  /// The thread a fork or clone created.
  func created(_ outcome: StepOutcome) -> ThreadID? {
    if case .syscall(nil, let thread) = outcome { thread } else { nil }
  }

  /// The map byte that holds `port`'s bit, in the TSS the check reads on `cpu`.
  func mapByte<S: SwitchStrategy>(of port: Int, on cpu: CPUID, _ machine: Machine<S>) -> UInt8? {
    let layout = LinuxTSSLayout(portCount: machine.kernel.portCount)
    return machine.tss(on: cpu).byte(at: layout.validMap + port / 8)
  }

  /// p runs on cpu0 and its thread t on cpu1, q on cpu2. The update's task reaches both other
  /// CPUs by IPI; only the two running p's address space rewrite their maps.
  @Test func zirconInterruptsEveryOtherCPUAndResyncsThoseRunningTheSpace() throws {
    var machine = Machine(strategy: ZirconStrategy(), cpuCount: 3)
    let p = try machine.spawn(credentials: .root, on: 0)
    let q = try machine.spawn(credentials: .root, on: 2)
    try run(p, on: &machine)
    let t = try #require(created(try machine.apply(.syscall(p, .thread(cpu: 1))).outcome))
    try run(t, on: &machine)
    try run(q, on: &machine)
    try run(p, on: &machine)
    let before = machine.counts
    _ = try machine.apply(.syscall(p, .ioperm(from: 0x80, count: 1, turnOn: true)))
    let update = machine.counts.since(before)
    #expect(update.interprocessorInterrupts == 2)
    // cpu0 and cpu1 run p: each resets its 8192-byte map and clears the one-byte run.
    #expect(update.fills == 4)
    #expect(update.bytesFilled == 2 * (8192 + 1))
    #expect(mapByte(of: 0x80, on: 0, machine) == 0xFE)
    #expect(mapByte(of: 0x80, on: 1, machine) == 0xFE)
    #expect(mapByte(of: 0x80, on: 2, machine) == 0xFF)
    #expect(machine.invariantViolations().isEmpty)
    // t holds no bitmap of its own, yet reaches p's port: the per-process limitation, explained.
    try run(t, on: &machine)
    let leak = try #require(try machine.apply(.access(cpu: 1, IOAccess(port: 0x80))).violation)
    #expect(leak.isLeak)
    #expect(machine.limitationExplains(leak))
    // q, another address space, does not.
    let denied = try machine.apply(.access(cpu: 2, IOAccess(port: 0x80)))
    #expect(denied.violation == nil)
    #expect(denied.outcome.description != "allow")
  }

  /// A switch within one address space writes nothing; a switch to another clears the old
  /// runs and sets the new ones, byte for byte.
  @Test func zirconWritesRunsOnlyWhenTheAddressSpaceChanges() throws {
    var machine = Machine(strategy: ZirconStrategy(), cpuCount: 1)
    let p = try machine.spawn(credentials: .root, on: 0)
    let q = try machine.spawn(credentials: .root, on: 0)
    try run(p, on: &machine)
    try apply(
      [
        .syscall(p, .ioperm(from: 0x3f8, count: 8, turnOn: true)), .returnToUser(cpu: 0),
        .syscall(p, .ioperm(from: 0x80, count: 1, turnOn: true)), .returnToUser(cpu: 0),
      ], to: &machine)
    let t = try #require(created(try machine.apply(.syscall(p, .thread(cpu: 0))).outcome))
    var before = machine.counts
    try run(t, on: &machine)
    #expect(machine.counts.since(before).bytesFilled == 0)
    before = machine.counts
    try run(q, on: &machine)
    // Two runs of p set back: 0x80 (1 byte) and 0x3f8–0x3ff (1 byte); q has none.
    #expect(machine.counts.since(before).fills == 2)
    #expect(mapByte(of: 0x3f8, on: 0, machine) == 0xFF)
    before = machine.counts
    try run(p, on: &machine)
    #expect(machine.counts.since(before).fills == 2)
    #expect(mapByte(of: 0x3f8, on: 0, machine) == 0x00)
    #expect(machine.invariantViolations().isEmpty)
  }

  /// A VM exit is followed at once by Zircon's TR reload, whoever runs.
  @Test func zirconReloadsTRAfterEveryVMExit() throws {
    var machine = Machine(strategy: ZirconStrategy(), cpuCount: 1)
    let p = try machine.spawn(credentials: .root, on: 0)
    try run(p, on: &machine)
    _ = try machine.apply(.vmExit(cpu: 0))
    #expect(machine.counts.taskRegisterLoads == 1)
    #expect(machine.tss(on: 0).limit == LinuxTSSLayout(portCount: 65536).limit)
  }

  /// seL4 writes nothing at switches and permission changes, and pays one kernel round trip
  /// per access, allowed or refused.
  @Test func seL4PaysARoundTripPerAccessAndNothingAtSwitches() throws {
    let text = """
      cpus 2
      process a cpu0
      process b cpu0
      a: ioperm 0x80 2 1
      a: inb 0x80 -> allow
      a: inw 0x80 -> allow
      b: inb 0x80 -> deny
      a: migrate cpu1
      a: inw 0x81 -> deny
      a: iopl 3 -> ok
      a: inl 0xfffc -> allow
      """
    let run = ScenarioRunner.run(try ScenarioParser.parse(text, source: "t.scn"), strategy: SeL4Strategy())
    #expect(run.passed, "\(run.render())")
    #expect(run.counts.portInvocations == 5)
    var work = run.counts
    work.portInvocations = 0
    work.contextSwitches = 0
    work.returnsToUser = 0
    #expect(work == OperationCounts())
    let profile = CycleProfile.default
    #expect(profile.cycles(for: run.counts, copiesFrom: .l1) == 5 * profile[.portInvocation])
  }

  /// Redox moves only the base: to the all-zero map for a thread granted anything, outside the
  /// TSS otherwise, on every switch.
  @Test func redoxSwitchesAccessWholesaleByTheBase() throws {
    var machine = Machine(strategy: RedoxStrategy(), cpuCount: 1)
    let a = try machine.spawn(credentials: .root, on: 0)
    let b = try machine.spawn(credentials: .root, on: 0)
    try run(a, on: &machine)
    let layout = LinuxTSSLayout(portCount: 65536)
    #expect(Int(machine.tss(on: 0).ioMapBase) == layout.invalid)
    _ = try machine.apply(.syscall(a, .ioperm(from: 0x80, count: 1, turnOn: true)))
    #expect(Int(machine.tss(on: 0).ioMapBase) == layout.validAll)
    try run(b, on: &machine)
    #expect(Int(machine.tss(on: 0).ioMapBase) == layout.invalid)
    try run(a, on: &machine)
    #expect(Int(machine.tss(on: 0).ioMapBase) == layout.validAll)
    #expect(machine.counts.mapBaseWrites == 4)
    #expect(machine.counts.bytesCopied == 0 && machine.counts.bytesFilled == 0)
    // a holds port 0x80 only, but reaches 0x3f8: the declared all-or-nothing limitation.
    let leak = try #require(try machine.apply(.access(cpu: 0, IOAccess(port: 0x3f8))).violation)
    #expect(leak.isLeak)
    #expect(machine.limitationExplains(leak))
    #expect(machine.strategy.limitations.count == 1)
  }

  /// What the Redox and Zircon limitations explain, and what they do not.
  @Test func limitationsExplainOnlyWhatTheyCause() throws {
    var redox = Machine(strategy: RedoxStrategy(), cpuCount: 1)
    let a = try redox.spawn(credentials: .root, on: 0)
    let b = try redox.spawn(credentials: .root, on: 0)
    try run(b, on: &redox)
    try run(a, on: &redox)
    func violation(_ kind: Violation.Kind, _ thread: ThreadID) -> Violation { Violation(kind, cpu: 0, thread: thread) }
    let access = IOAccess(port: 0x3f8)
    // a holds nothing: a leak to it is no limitation's doing.
    #expect(!redox.strategy.limitationExplains(violation(.leak(access, .allowedByBitmap), a), kernel: redox.kernel, state: redox.state.strategy))
    _ = try redox.apply(.syscall(a, .ioperm(from: 0x80, count: 1, turnOn: true)))
    #expect(redox.strategy.limitationExplains(violation(.leak(access, .allowedByBitmap), a), kernel: redox.kernel, state: redox.state.strategy))
    #expect(!redox.strategy.limitationExplains(violation(.wrongDenial(access, .deniedByBit(port: 0x3f8)), a), kernel: redox.kernel, state: redox.state.strategy))
    #expect(!redox.strategy.limitationExplains(violation(.interruptFlagChanged(.cli), a), kernel: redox.kernel, state: redox.state.strategy))

    var zircon = Machine(strategy: ZirconStrategy(), cpuCount: 1)
    let p = try zircon.spawn(credentials: .root, on: 0)
    let q = try zircon.spawn(credentials: .root, on: 0)
    try run(q, on: &zircon)
    _ = try zircon.apply(.syscall(q, .ioperm(from: 0x3f8, count: 8, turnOn: true)))
    try run(p, on: &zircon)
    let t = try #require(created(try zircon.apply(.syscall(p, .thread(cpu: 0))).outcome))
    _ = try zircon.apply(.returnToUser(cpu: 0))
    _ = try zircon.apply(.syscall(p, .ioperm(from: 0x80, count: 1, turnOn: true)))
    try run(t, on: &zircon)
    func explains(_ kind: Violation.Kind, _ thread: ThreadID) -> Bool {
      zircon.strategy.limitationExplains(violation(kind, thread), kernel: zircon.kernel, state: zircon.state.strategy)
    }
    // t reaches p's port 0x80, not q's 0x3f8 (another address space), and nothing is refused.
    #expect(explains(.leak(IOAccess(port: 0x80), .allowedByBitmap), t))
    #expect(!explains(.leak(IOAccess(port: 0x3f8), .allowedByBitmap), t))
    #expect(!explains(.wrongDenial(IOAccess(port: 0x80), .deniedByBit(port: 0x80)), t))
    #expect(!explains(.interruptFlagChanged(.sti), t))
  }

  /// The double check on every built-in workload: none of the three violates it, so neither
  /// declared limitation is reached there (the scenario files and the tests above reach both).
  @Test(arguments: ["zircon", "sel4", "redox"])
  func doubleCheckOnEveryBuiltInWorkload(_ name: String) throws {
    let strategy = try #require(StrategyCatalog.strategy(named: name))
    let comparison = Comparison.run(workloads: Workload.builtIn, strategies: [strategy], profile: .default)
    #expect(comparison.problems == [], "\(comparison.problems)")
    #expect(comparison.rows.count == Workload.builtIn.count)
    let violated = comparison.rows.filter { !$0.violations.isEmpty }.map(\.workload)
    #expect(violated.isEmpty, "\(violated)")
  }
}
