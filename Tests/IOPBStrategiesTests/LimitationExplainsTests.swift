import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBSimulator
import IOPBStrategies
import Testing

/// `limitationExplains` of the three designs that declare limitations, on machines brought to a
/// known state and on hand-made disagreements: what a limitation causes is explained, anything
/// else (a real leak or denial) is not.
@Suite struct LimitationExplainsTests {
  /// The kind of a hand-made violation.
  enum Kind { case leak, wrongDenial, interruptFlagChanged }

  func apply<S: SwitchStrategy>(_ steps: [MachineStep], to machine: inout Machine<S>) throws {
    for step in steps { _ = try machine.apply(step) }
  }

  /// Whether `machine`'s strategy explains a violation of `kind` by `thread` on `cpu` over
  /// `ports` (1, 2 or 4 of them: an `in` of that width).
  func explains<S: SwitchStrategy>(
    _ machine: Machine<S>, _ kind: Kind, by thread: ThreadID, on cpu: CPUID = 0,
    ports: ClosedRange<Int>? = nil
  ) -> Bool {
    let violationKind: Violation.Kind
    if let ports {
      guard let width = IOAccessWidth(rawValue: ports.count), let port = UInt16(exactly: ports.lowerBound) else {
        Issue.record("no single access covers ports \(ports)")
        return false
      }
      let access = IOAccess(.in, port: port, width: width)
      violationKind =
        kind == .leak ? .leak(access, .allowedByBitmap) : .wrongDenial(access, .deniedByBit(port: ports.lowerBound))
    } else {
      violationKind = .interruptFlagChanged(.cli)
    }
    return machine.strategy.limitationExplains(
      Violation(violationKind, cpu: cpu, thread: thread), kernel: machine.kernel,
      state: machine.state.strategy)
  }

  @Test func netBSDExplainsOnlyDenialsOfPortsPastItsMap() throws {
    var machine = Machine(strategy: NetBSDi386Strategy(), cpuCount: 1)
    let a = try machine.spawn(credentials: .root, on: 0)
    try apply(
      [
        .contextSwitch(cpu: 0, to: a), .returnToUser(cpu: 0),
        .syscall(a, .ioperm(from: 0x80, count: 1, turnOn: true)), .returnToUser(cpu: 0),
        .syscall(a, .ioperm(from: 0x3fe, count: 4, turnOn: true)), .returnToUser(cpu: 0),
        .syscall(a, .ioperm(from: 0x1000, count: 1, turnOn: true)), .returnToUser(cpu: 0),
      ], to: &machine)
    let denied = try #require(try machine.apply(.access(cpu: 0, IOAccess(port: 0x1000))).violation)
    #expect(machine.limitationExplains(denied))
    #expect(explains(machine, .wrongDenial, by: a, ports: 0x3fe...0x401))
    #expect(!explains(machine, .wrongDenial, by: a, ports: 0x80...0x80))
    // 0x3f8–0x3ff: the second map byte lies past NetBSD's descriptor limit.
    #expect(explains(machine, .wrongDenial, by: a, ports: 0x3fe...0x3ff))
    #expect(!explains(machine, .wrongDenial, by: a, ports: 0x3f6...0x3f7))
    #expect(!explains(machine, .leak, by: a, ports: 0x1001...0x1001))
    #expect(!explains(machine, .leak, by: a, ports: 0x81...0x81))
    #expect(!explains(machine, .interruptFlagChanged, by: a))
    // iopl(3) reaches ports 0–1023 only.
    try apply([.syscall(a, .iopl(level: 3)), .returnToUser(cpu: 0)], to: &machine)
    let high = try #require(try machine.apply(.access(cpu: 0, IOAccess(port: 0xfff8))).violation)
    #expect(machine.limitationExplains(high))
    #expect(!explains(machine, .wrongDenial, by: a, ports: 0x200...0x200))
    #expect(!explains(machine, .interruptFlagChanged, by: a))
  }

  @Test func helenOSExplainsOnlyAnotherThreadOfTheProcessInstalled() throws {
    var machine = Machine(strategy: HelenOSStrategy(), cpuCount: 2)
    let p = try machine.spawn(credentials: .root, on: 0)
    let q = try machine.spawn(credentials: .root, on: 1)
    try apply([.contextSwitch(cpu: 0, to: p), .returnToUser(cpu: 0)], to: &machine)
    let created = try machine.apply(.syscall(p, .thread(cpu: 0))).outcome
    guard case .syscall(nil, let made?) = created else {
      Issue.record("clone failed: \(created)")
      return
    }
    let t = made
    try apply(
      [
        .returnToUser(cpu: 0), .syscall(p, .ioperm(from: 0x80, count: 1, turnOn: true)),
        .returnToUser(cpu: 0), .access(cpu: 0, IOAccess(port: 0x80)),  // #GP installs p's map
        .contextSwitch(cpu: 0, to: t), .returnToUser(cpu: 0),  // same task: nothing installed
        .contextSwitch(cpu: 1, to: q), .returnToUser(cpu: 1),
      ], to: &machine)
    let leak = try #require(try machine.apply(.access(cpu: 0, IOAccess(port: 0x80))).violation)
    #expect(machine.limitationExplains(leak))
    // p is not entitled to 0x81 either: the installed map should not grant it.
    #expect(!explains(machine, .leak, by: t, ports: 0x81...0x81))
    #expect(!explains(machine, .leak, by: t, ports: 0x80...0x81))
    #expect(!explains(machine, .wrongDenial, by: t, ports: 0x80...0x80))
    #expect(!explains(machine, .interruptFlagChanged, by: t))
    // q's CPU holds q's (empty) task: nothing of another thread is installed there.
    #expect(!explains(machine, .leak, by: q, on: 1, ports: 0x80...0x80))
    // Another process on the CPU where p's map is installed is not the per-task limitation.
    #expect(!explains(machine, .leak, by: q, on: 0, ports: 0x80...0x80))
  }

  /// After exec's de_thread no sibling is alive, but HelenOS keeps the task's map installed
  /// until the next task switch: what t's level 3 left there stays reachable to p, the per-task
  /// limitation (HelenOS's thread exit touches no TSS).
  @Test func helenOSExplainsWhatAnExitedThreadLeftInstalled() throws {
    var machine = Machine(strategy: HelenOSStrategy(), cpuCount: 1)
    let p = try machine.spawn(credentials: .root, on: 0)
    try apply([.contextSwitch(cpu: 0, to: p), .returnToUser(cpu: 0)], to: &machine)
    guard case .syscall(nil, let t?) = try machine.apply(.syscall(p, .thread(cpu: 0))).outcome else {
      Issue.record("clone failed")
      return
    }
    try apply(
      [
        .returnToUser(cpu: 0), .contextSwitch(cpu: 0, to: t), .returnToUser(cpu: 0),
        .syscall(t, .iopl(level: 3)), .returnToUser(cpu: 0), .access(cpu: 0, IOAccess(port: 0x7e)),
        .contextSwitch(cpu: 0, to: p), .returnToUser(cpu: 0),
      ], to: &machine)
    // t at level 3 holds every port: p reaching 0x7e is the per-task map.
    let leak = try #require(try machine.apply(.access(cpu: 0, IOAccess(port: 0x7e))).violation)
    #expect(machine.limitationExplains(leak))
    try apply([.syscall(p, .exec), .returnToUser(cpu: 0)], to: &machine)
    #expect(!machine.kernel.isAlive(t))
    let stale = try #require(try machine.apply(.access(cpu: 0, IOAccess(port: 0x7e))).violation)
    #expect(machine.limitationExplains(stale))
    // A refusal of what the installed map grants is no part of it.
    #expect(!explains(machine, .wrongDenial, by: p, ports: 0x7e...0x7e))
  }

  @Test func windowsNTExplainsTheSharedMapAndRealIOPL() throws {
    var machine = Machine(strategy: WindowsNTStrategy(), cpuCount: 3)
    let a = try machine.spawn(credentials: .root, on: 0)
    let b = try machine.spawn(credentials: .root, on: 1)
    let c = try machine.spawn(credentials: .root, on: 2)
    try apply(
      [
        .contextSwitch(cpu: 0, to: a), .returnToUser(cpu: 0),
        .syscall(a, .ioperm(from: 0x80, count: 1, turnOn: true)), .returnToUser(cpu: 0),
        .contextSwitch(cpu: 1, to: b), .returnToUser(cpu: 1),
        .syscall(b, .ioperm(from: 0x81, count: 1, turnOn: true)), .returnToUser(cpu: 1),
        .contextSwitch(cpu: 2, to: c), .returnToUser(cpu: 2),
      ], to: &machine)
    // The shared map holds b's bitmap: a is refused its own port and reaches b's.
    let denied = try #require(try machine.apply(.access(cpu: 0, IOAccess(port: 0x80))).violation)
    #expect(machine.limitationExplains(denied))
    #expect(explains(machine, .leak, by: a, ports: 0x81...0x81))
    // b's bitmap, which the map holds, grants neither: not the shared map's doing.
    #expect(!explains(machine, .leak, by: a, ports: 0x82...0x82))
    #expect(!explains(machine, .wrongDenial, by: a, ports: 0x81...0x81))
    // b's own bitmap is installed: any disagreement of b's is a bug.
    #expect(!explains(machine, .wrongDenial, by: b, on: 1, ports: 0x81...0x81))
    #expect(!explains(machine, .leak, by: b, on: 1, ports: 0x82...0x82))
    // c's process is not enabled: its offset points past the TSS.
    #expect(!explains(machine, .leak, by: c, on: 2, ports: 0x81...0x81))
    // Disagreements on a CPU that does not run the thread's process.
    #expect(!explains(machine, .leak, by: a, on: 1, ports: 0x81...0x81))
    #expect(!explains(machine, .interruptFlagChanged, by: a))
    // iopl(3) is real IOPL: CLI/STI and ports past the kernel's count.
    try apply([.syscall(c, .iopl(level: 3)), .returnToUser(cpu: 2)], to: &machine)
    let cli = try #require(try machine.apply(.interruptFlag(cpu: 2, .cli)).violation)
    #expect(machine.limitationExplains(cli))
    #expect(explains(machine, .leak, by: c, on: 2, ports: 0xffff...0x10000))
    // lifecycle.scn line 17: inw 0xffff at level 3 reaches past the last port.
    let past = try #require(
      try machine.apply(.access(cpu: 2, IOAccess(.in, port: 0xffff, width: .word))).violation)
    #expect(machine.limitationExplains(past))
    #expect(!explains(machine, .wrongDenial, by: c, on: 2, ports: 0x80...0x80))
    #expect(!explains(machine, .interruptFlagChanged, by: b, on: 1))
  }

  @Test func otherDesignsExplainNothing() throws {
    for strategy in StrategyCatalog.all where strategy.limitations.isEmpty {
      func check<S: SwitchStrategy>(_ strategy: S) throws {
        var machine = Machine(strategy: strategy, cpuCount: 1)
        let a = try machine.spawn(credentials: .root, on: 0)
        try apply([.contextSwitch(cpu: 0, to: a), .returnToUser(cpu: 0)], to: &machine)
        for kind in [Kind.leak, .wrongDenial] {
          #expect(!explains(machine, kind, by: a, ports: 0x1000...0x1000), "\(strategy.name)")
        }
        #expect(!explains(machine, .interruptFlagChanged, by: a), "\(strategy.name)")
      }
      try check(strategy)
    }
  }
}
