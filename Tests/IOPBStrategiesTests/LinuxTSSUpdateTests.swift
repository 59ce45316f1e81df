import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBStrategies
import Testing

/// Where Linux ≥ 5.5 touches the TSS inside system calls: `task_update_io_bitmap()` on the copy
/// on write of `ksys_ioperm()` and `exit_thread()` only for a thread with TIF_IO_BITMAP
/// (`arch/x86/kernel/ioport.c`, `process.c`), natively and through Xen's paravirt update.
@Suite struct LinuxTSSUpdateTests {
  /// a runs with `ioperm(0x80)` (and `iopl(level)`), forks b so that both share the bitmap, and
  /// returns to user; then `step` runs. Returns the base writes and hypercalls `step` made and
  /// the base it left, before any return to user.
  func during<S: SwitchStrategy>(
    _ strategy: S, level: UInt32 = 0, _ step: (ThreadID) -> MachineStep
  ) throws -> (baseWrites: Int, hypercalls: Int, base: Int, machine: Machine<S>) {
    var machine = Machine(strategy: strategy, cpuCount: 1)
    let a = try machine.spawn(credentials: .root, on: 0)
    var steps: [MachineStep] = [.contextSwitch(cpu: 0, to: a), .returnToUser(cpu: 0)]
    if level > 0 { steps += [.syscall(a, .iopl(level: level)), .returnToUser(cpu: 0)] }
    steps += [
      .syscall(a, .ioperm(from: 0x80, count: 1, turnOn: true)), .returnToUser(cpu: 0),
      .syscall(a, .fork(cpu: 0)), .returnToUser(cpu: 0),
    ]
    for step in steps { _ = try machine.apply(step) }
    let before = machine.counts
    _ = try machine.apply(step(a))
    let base = Int(machine.tss(on: 0).ioMapBase)
    return (
      machine.counts.mapBaseWrites - before.mapBaseWrites, machine.counts.hypercalls - before.hypercalls,
      base, machine
    )
  }

  @Test func copyOnWriteInvalidatesTheBaseOnce() throws {
    let result = try during(Linux55Strategy()) { .syscall($0, .ioperm(from: 0x81, count: 1, turnOn: true)) }
    #expect(result.baseWrites == 1)
    #expect(result.base == LinuxTSSLayout(portCount: 65536).invalid)
    // Exit to user validates it again and copies the private bitmap (a new sequence).
    var machine = result.machine
    let copied = machine.counts.bytesCopied
    _ = try machine.apply(.returnToUser(cpu: 0))
    #expect(Int(machine.tss(on: 0).ioMapBase) == LinuxTSSLayout(portCount: 65536).validMap)
    #expect(machine.counts.bytesCopied - copied == 24)
  }

  @Test func copyOnWriteAtLevelThreeKeepsTheFlagAndTheBase() throws {
    let result = try during(Linux55Strategy(), level: 3) { .syscall($0, .ioperm(from: 0x81, count: 1, turnOn: true)) }
    #expect(result.baseWrites == 0)
    #expect(result.base == LinuxTSSLayout(portCount: 65536).validAll)
  }

  @Test(arguments: [XenPVStrategy(), XenPVStrategy(forwardsInvalidation: false)])
  func xenHearsOfTheCopyOnWrite(_ strategy: XenPVStrategy) throws {
    let result = try during(strategy) { .syscall($0, .ioperm(from: 0x81, count: 1, turnOn: true)) }
    #expect(result.baseWrites == 1)
    #expect(result.hypercalls == 1)
  }

  /// `exit_thread()` runs `io_bitmap_exit()` only with TIF_IO_BITMAP: a thread that never used
  /// ports exits without touching the TSS, natively and on Xen.
  @Test(arguments: ["linux-5.5", "xen-pv"])
  func exitWithoutTheFlagTouchesNoTSS(_ name: String) throws {
    func exit<S: SwitchStrategy>(_ strategy: S) throws -> (baseWrites: Int, hypercalls: Int) {
      var machine = Machine(strategy: strategy, cpuCount: 1)
      let a = try machine.spawn(credentials: .user, on: 0)
      for step in machine.preparation(for: a) { _ = try machine.apply(step) }
      let before = machine.counts
      _ = try machine.apply(.syscall(a, .exit))
      return (machine.counts.mapBaseWrites - before.mapBaseWrites, machine.counts.hypercalls - before.hypercalls)
    }
    let strategy = try #require(StrategyCatalog.strategy(named: name))
    let result = try exit(strategy)
    #expect(result.baseWrites == 0)
    #expect(result.hypercalls == 0)
  }

  /// Before the XSA-329 fix only `switch_to_bitmap()` bypassed Xen: dropping the last port
  /// reaches Xen through the paravirt update, so the dropped port is refused at once.
  @Test func preFixXenStillHearsOfADroppedPort() throws {
    var machine = Machine(strategy: XenPVStrategy(forwardsInvalidation: false), cpuCount: 1)
    let a = try machine.spawn(credentials: .root, on: 0)
    for step: MachineStep in [
      .contextSwitch(cpu: 0, to: a), .returnToUser(cpu: 0),
      .syscall(a, .ioperm(from: 0x80, count: 1, turnOn: true)), .returnToUser(cpu: 0),
      .syscall(a, .ioperm(from: 0x80, count: 1, turnOn: false)), .returnToUser(cpu: 0),
    ] { _ = try machine.apply(step) }
    let access = try machine.apply(.access(cpu: 0, IOAccess(port: 0x80)))
    #expect(access.violation == nil)
    #expect(access.outcome.description == "deny")
  }
}
