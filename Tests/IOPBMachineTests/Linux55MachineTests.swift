import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBSimulator
import IOPBStrategies
import Testing

/// Hand-computed behaviour of the Linux 5.5 switch path on the machine.
@Suite struct Linux55MachineTests {
  typealias LinuxMachine = Machine<Linux55Strategy>

  func run(_ machine: inout LinuxMachine, _ steps: [MachineStep]) throws -> [StepResult] {
    try steps.map { step in try machine.apply(step) }
  }

  @Test func bootLayoutMatchesLinux() {
    let layout = LinuxTSSLayout(portCount: 65536)
    #expect(layout.validMap == 0x78)
    #expect(layout.validAll == 0x2080)
    #expect(layout.limit == 0x4087)
    #expect(layout.invalid == 0x4088)
    let tss = layout.bootTSS()
    #expect(tss.ioMapBase == 0x4088)
    #expect(tss.bytes[0x78..<0x78 + 8200].allSatisfy { $0 == 0xFF })
    #expect(tss.bytes[0x2080..<0x2080 + 8192].allSatisfy { $0 == 0 })
    #expect(tss.bytes[(0x2080 + 8192)...].allSatisfy { $0 == 0xFF })
  }

  @Test func copiesOnlyWhenTheSequenceChanges() throws {
    var machine = LinuxMachine(strategy: Linux55Strategy(), cpuCount: 1)
    let a = try machine.spawn(credentials: .root, on: 0)
    let b = try machine.spawn(credentials: .root, on: 0)
    _ = try run(&machine, [
      .contextSwitch(cpu: 0, to: a), .returnToUser(cpu: 0),
      .syscall(a, .ioperm(from: 0x80, count: 1, turnOn: true)), .returnToUser(cpu: 0),
    ])
    // The first return with a bitmap copies max(prev_max 0, max 24) = 24 bytes.
    #expect(machine.counts.bytesCopied == 24)
    #expect(machine.tss(on: 0).ioMapBase == 0x78)
    _ = try run(&machine, [
      .contextSwitch(cpu: 0, to: b), .returnToUser(cpu: 0),
      .contextSwitch(cpu: 0, to: a), .returnToUser(cpu: 0),
    ])
    // Switching away invalidates; coming back finds prev_sequence equal: no copy.
    #expect(machine.counts.bytesCopied == 24)
    #expect(machine.counts.copies == 1)
    let access = try machine.apply(.access(cpu: 0, IOAccess(port: 0x80)))
    #expect(access.outcome == .access(AccessOutcome(decision: .allowedByBitmap, entitled: true, restarted: false)))
  }

  @Test func theNextUserCleansThePreviousDirtyRange() throws {
    var machine = LinuxMachine(strategy: Linux55Strategy(), cpuCount: 1)
    let high = try machine.spawn(credentials: .root, on: 0)
    let low = try machine.spawn(credentials: .root, on: 0)
    _ = try run(&machine, [
      .contextSwitch(cpu: 0, to: high), .returnToUser(cpu: 0),
      .syscall(high, .ioperm(from: 0xFFFF, count: 1, turnOn: true)), .returnToUser(cpu: 0),
      .contextSwitch(cpu: 0, to: low), .returnToUser(cpu: 0),
      .syscall(low, .ioperm(from: 0x80, count: 1, turnOn: true)), .returnToUser(cpu: 0),
    ])
    // 8192 bytes for the high port, then max(prev_max 8192, 24) = 8192 again.
    #expect(machine.counts.bytesCopied == 16384)
    let result = try machine.apply(.access(cpu: 0, IOAccess(port: 0xFFFF)))
    #expect(result.violation == nil)
    #expect(result.outcome.description == "deny")
  }

  @Test func vmExitLimitIsRestoredBeforeUserMode() throws {
    var machine = LinuxMachine(strategy: Linux55Strategy(), cpuCount: 1)
    let user = try machine.spawn(credentials: .root, on: 0)
    let other = try machine.spawn(credentials: .root, on: 0)
    _ = try run(&machine, [
      .contextSwitch(cpu: 0, to: user), .returnToUser(cpu: 0),
      .syscall(user, .ioperm(from: 0x80, count: 1, turnOn: true)), .returnToUser(cpu: 0),
      .contextSwitch(cpu: 0, to: other), .vmExit(cpu: 0),
    ])
    #expect(machine.tss(on: 0).limit == TaskStateSegment.vmExitLimit)
    #expect(machine.counts.taskRegisterLoads == 0)
    _ = try run(&machine, [.contextSwitch(cpu: 0, to: user), .returnToUser(cpu: 0)])
    #expect(machine.tss(on: 0).limit == 0x4087)
    #expect(machine.counts.taskRegisterLoads == 1)
    #expect(try machine.apply(.access(cpu: 0, IOAccess(port: 0x80))).violation == nil)
  }

  @Test func stepsOutOfOrderAreRefused() throws {
    var machine = LinuxMachine(strategy: Linux55Strategy(), cpuCount: 2)
    let a = try machine.spawn(credentials: .root, on: 0)
    #expect(throws: MachineError.notRunning(a)) { try machine.apply(.syscall(a, .exec)) }
    #expect(throws: MachineError.idle(cpu: 1)) { try machine.apply(.returnToUser(cpu: 1)) }
    _ = try machine.apply(.contextSwitch(cpu: 0, to: a))
    #expect(throws: MachineError.notInUserMode(cpu: 0)) {
      try machine.apply(.access(cpu: 0, IOAccess(port: 0x80)))
    }
    #expect(throws: MachineError.runningElsewhere(a, cpu: 0)) {
      try machine.apply(.contextSwitch(cpu: 1, to: a))
    }
    #expect(throws: MachineError.noSuchCPU(2)) { try machine.apply(.vmExit(cpu: 2)) }
    var small = LinuxMachine(strategy: Linux55Strategy(), cpuCount: 1, kernel: KernelConfiguration(portCount: 128))
    let b = try small.spawn(credentials: .root, on: 0)
    _ = try small.apply(.contextSwitch(cpu: 0, to: b))
    _ = try small.apply(.returnToUser(cpu: 0))
    #expect(throws: MachineError.noSuchPort(200, portCount: 128)) {
      try small.apply(.access(cpu: 0, IOAccess(port: 200)))
    }
    // The last port's straddle reaches the all-ones long after the map, like 0xffff's.
    _ = try small.apply(.syscall(b, .ioperm(from: 127, count: 1, turnOn: true)))
    _ = try small.apply(.returnToUser(cpu: 0))
    let straddle = try small.apply(.access(cpu: 0, IOAccess(port: 127, width: .word)))
    #expect(straddle.outcome.description == "deny")
    #expect(straddle.violation == nil)
  }

  @Test func machineStateIsAValue() throws {
    var machine = LinuxMachine(strategy: Linux55Strategy(), cpuCount: 1)
    let a = try machine.spawn(credentials: .root, on: 0)
    _ = try run(&machine, [.contextSwitch(cpu: 0, to: a), .returnToUser(cpu: 0)])
    let snapshot = machine.state
    _ = try machine.apply(.syscall(a, .ioperm(from: 1, count: 1, turnOn: true)))
    #expect(machine.state != snapshot)
    var replay = LinuxMachine(strategy: Linux55Strategy(), cpuCount: 1)
    _ = try replay.spawn(credentials: .root, on: 0)
    _ = try run(&replay, [
      .contextSwitch(cpu: 0, to: a), .returnToUser(cpu: 0),
      .syscall(a, .ioperm(from: 1, count: 1, turnOn: true)),
    ])
    #expect(replay.state == machine.state)
  }
}
