import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBStrategies

/// One CPU's scheduling state: which thread it runs and whether that thread is in user mode.
public struct CPUSlot: Sendable, Hashable {
  public var current: ThreadID?
  public var inUserMode: Bool
}

/// Everything that decides the machine's future: kernel, strategy state, CPUs, placement.
/// Cheap to copy (arrays share storage until written), compare and hash.
public struct MachineState<StrategyState: Sendable & Hashable>: Sendable, Hashable {
  public var kernel: Kernel
  public var strategy: StrategyState
  public var cpus: [CPUSlot]
  /// The CPU each thread (by ``ThreadID/rawValue``) is placed on: where it runs when scheduled.
  public var homeCPU: [Int]
}

/// The result of a step: its outcome and, for a user instruction, any violation of the double
/// check (the CPU on the TSS bytes against the thread's entitlement).
public struct StepResult: Sendable, Hashable {
  public var outcome: StepOutcome
  public var violation: Violation?
}

/// N CPUs, each with its TSS and current thread, over one kernel, driven by one switch strategy.
///
/// Every user port access is decided twice: by ``IOPermissionCheck`` on the TSS bytes the
/// strategy keeps, and by ``Kernel/entitles(_:ports:)``. A disagreement is a ``Violation``.
public struct Machine<Strategy: SwitchStrategy>: Sendable {
  public let strategy: Strategy
  public var state: MachineState<Strategy.State>
  /// Operations the strategy performed so far; not part of ``state``.
  public var counts = OperationCounts()

  /// A booted machine with `cpuCount` idle CPUs and no threads.
  public init(strategy: Strategy, cpuCount: Int, kernel: KernelConfiguration = KernelConfiguration()) {
    self.strategy = strategy
    state = MachineState(
      kernel: Kernel(configuration: kernel),
      strategy: strategy.makeState(cpuCount: cpuCount, kernel: kernel),
      cpus: Array(repeating: CPUSlot(current: nil, inUserMode: false), count: cpuCount),
      homeCPU: [])
  }

  public var kernel: Kernel { state.kernel }
  public var cpuCount: Int { state.cpus.count }

  /// The TSS the hardware check reads on `cpu`.
  public func tss(on cpu: Int) -> TaskStateSegment { strategy.tss(on: cpu, in: state.strategy) }

  /// The CPU `thread` is running on, if any.
  public func runningCPU(of thread: ThreadID) -> Int? {
    state.cpus.firstIndex { $0.current == thread }
  }

  /// The CPU `thread` is placed on.
  public func homeCPU(of thread: ThreadID) -> Int { state.homeCPU[thread.rawValue] }

  /// Starts a new process with one thread placed (not yet running) on `cpu`.
  public mutating func spawn(credentials: Credentials, on cpu: Int) throws(MachineError) -> ThreadID {
    try checkCPU(cpu)
    let thread = state.kernel.spawnProcess(credentials: credentials)
    state.homeCPU.append(cpu)
    return thread
  }

  /// Moves `thread`'s placement to `cpu`; it runs there the next time it is scheduled.
  public mutating func place(_ thread: ThreadID, on cpu: Int) throws(MachineError) {
    try checkCPU(cpu)
    try checkAlive(thread)
    state.homeCPU[thread.rawValue] = cpu
  }

  /// The steps that bring `thread` onto its home CPU, and into user mode when `userMode`:
  /// what a scheduler does before the thread can act. Empty when it is already there.
  public func preparation(for thread: ThreadID, userMode: Bool = true) -> [MachineStep] {
    var steps: [MachineStep] = []
    let home = homeCPU(of: thread)
    let running = runningCPU(of: thread)
    if let running, running != home {
      steps.append(.contextSwitch(cpu: running, to: nil))
    }
    if running != home {
      steps.append(.contextSwitch(cpu: home, to: thread))
    }
    if userMode, running != home || !state.cpus[home].inUserMode {
      steps.append(.returnToUser(cpu: home))
    }
    return steps
  }

  /// Takes one step.
  public mutating func apply(_ step: MachineStep) throws(MachineError) -> StepResult {
    switch step {
    case .syscall(let thread, let call):
      return StepResult(outcome: try syscall(call, by: thread))
    case .contextSwitch(let cpu, let next):
      try contextSwitch(on: cpu, to: next)
    case .returnToUser(let cpu):
      let thread = try current(on: cpu)
      guard !state.cpus[cpu].inUserMode else { throw .notInKernel(cpu: cpu) }
      returnToUser(on: cpu, thread: thread)
      state.cpus[cpu].inUserMode = true
    case .access(let cpu, let access):
      return try userAccess(access, on: cpu)
    case .interruptFlag(let cpu, let instruction):
      return try interruptFlag(instruction, on: cpu)
    case .migrate(let thread, let cpu):
      try place(thread, on: cpu)
      if let running = runningCPU(of: thread), running != cpu {
        try contextSwitch(on: running, to: nil)
      }
    case .vmExit(let cpu):
      try checkCPU(cpu)
      state.cpus[cpu].inUserMode = false
      strategy.vmExit(
        on: cpu, current: state.cpus[cpu].current, kernel: state.kernel, state: &state.strategy,
        counts: &counts)
    case .failNextAllocation:
      state.kernel.pendingAllocationFailures += 1
    }
    return StepResult(outcome: .done)
  }

  // MARK: Steps

  private mutating func syscall(_ call: Syscall, by thread: ThreadID) throws(MachineError) -> StepOutcome {
    try checkAlive(thread)
    guard let cpu = runningCPU(of: thread) else { throw .notRunning(thread) }
    guard state.cpus[cpu].inUserMode else { throw .notInUserMode(cpu: cpu) }
    if case .fork(let target) = call { try checkCPU(target) }
    if case .thread(let target) = call { try checkCPU(target) }
    state.cpus[cpu].inUserMode = false
    let bitmapsBefore = Set(state.kernel.bitmaps.keys)
    defer { bitmapsMayHaveBeenFreed(since: bitmapsBefore, on: cpu) }
    let effect: SyscallEffect
    do throws(Errno) {
      switch call {
      case .ioperm(let from, let count, let on):
        effect = try state.kernel.ioperm(thread, from: from, count: count, turnOn: on)
      case .iopl(let level):
        effect = try state.kernel.iopl(thread, level: level)
      case .fork(let target), .thread(let target):
        let sameProcess = if case .thread = call { true } else { false }
        effect = try state.kernel.fork(thread, sameProcess: sameProcess)
        state.homeCPU.append(target)
      case .exec:
        effect = state.kernel.exec(thread)
      case .exit:
        state.kernel.exit(thread)
        retire(thread, on: cpu)
        threadExited(thread, on: cpu)
        return .syscall(nil, created: nil)
      case .setresuid(let uid):
        effect = try state.kernel.setresuid(thread, uid: uid)
      }
    } catch {
      return .syscall(error, created: nil)
    }
    for exited in effect.exitedThreads {
      let running = runningCPU(of: exited)
      if let running { retire(exited, on: running) }
      threadExited(exited, on: running ?? cpu)
    }
    if effect.permissionsChanged {
      strategy.permissionsChanged(
        on: cpu, thread: thread, kernel: state.kernel, state: &state.strategy, counts: &counts)
    }
    return .syscall(nil, created: effect.createdThread)
  }

  /// An exited thread's last moments on `cpu`: `io_bitmap_exit()`'s TSS side, then schedule().
  private mutating func retire(_ thread: ThreadID, on cpu: Int) {
    strategy.permissionsChanged(
      on: cpu, thread: thread, kernel: state.kernel, state: &state.strategy, counts: &counts)
    switchTasks(on: cpu, from: thread, to: nil)
    state.cpus[cpu] = CPUSlot(current: nil, inUserMode: false)
  }

  /// Every context switch passes here: the machine counts it, the strategy does its work.
  private mutating func switchTasks(on cpu: Int, from previous: ThreadID?, to next: ThreadID?) {
    counts.contextSwitches += 1
    strategy.contextSwitch(
      on: cpu, from: previous, to: next, kernel: state.kernel, state: &state.strategy,
      counts: &counts)
  }

  /// Every exit to user mode passes here: the machine counts it, the strategy does its work.
  private mutating func returnToUser(on cpu: Int, thread: ThreadID) {
    counts.returnsToUser += 1
    strategy.returnToUser(
      on: cpu, thread: thread, kernel: state.kernel, state: &state.strategy, counts: &counts)
  }

  private mutating func threadExited(_ thread: ThreadID, on cpu: Int) {
    strategy.threadExited(
      thread, on: cpu, kernel: state.kernel, state: &state.strategy, counts: &counts)
  }

  private mutating func bitmapsMayHaveBeenFreed(since before: Set<BitmapID>, on cpu: Int) {
    let freed = before.subtracting(state.kernel.bitmaps.keys).sorted()
    guard !freed.isEmpty else { return }
    strategy.bitmapsFreed(
      freed, on: cpu, kernel: state.kernel, state: &state.strategy, counts: &counts)
  }

  private mutating func contextSwitch(on cpu: Int, to next: ThreadID?) throws(MachineError) {
    try checkCPU(cpu)
    if let next {
      try checkAlive(next)
      if let running = runningCPU(of: next), running != cpu {
        throw .runningElsewhere(next, cpu: running)
      }
    }
    // schedule() picking the running task again does not call __switch_to().
    if next != nil, state.cpus[cpu].current == next { return }
    switchTasks(on: cpu, from: state.cpus[cpu].current, to: next)
    state.cpus[cpu] = CPUSlot(current: next, inUserMode: false)
    if let next { state.homeCPU[next.rawValue] = cpu }
  }

  private mutating func userAccess(_ access: IOAccess, on cpu: Int) throws(MachineError) -> StepResult {
    let thread = try userThread(on: cpu)
    // Ports past a reduced count do not exist; the last ones' straddles still reach the
    // all-ones long after the map, as 0xffff's reach the terminator.
    guard Int(access.port) < state.kernel.portCount else {
      throw .noSuchPort(Int(access.port), portCount: state.kernel.portCount)
    }
    let iopl = strategy.userIOPL(of: thread, kernel: state.kernel)
    strategy.portAccessed(
      on: cpu, thread: thread, access: access, kernel: state.kernel, state: &state.strategy,
      counts: &counts)
    var decision = IOPermissionCheck.decide(access, tss: tss(on: cpu), iopl: iopl)
    var restarted = false
    if !decision.isAllowed {
      restarted = strategy.generalProtection(
        on: cpu, thread: thread, access: access, kernel: state.kernel, state: &state.strategy,
        counts: &counts)
      if restarted {
        decision = IOPermissionCheck.decide(access, tss: tss(on: cpu), iopl: iopl)
      }
      if !decision.isAllowed { signalDelivered(to: thread, on: cpu) }
    }
    let entitled = state.kernel.entitles(thread, ports: access.ports)
    let outcome = AccessOutcome(decision: decision, entitled: entitled, restarted: restarted)
    var violation: Violation?
    if decision.isAllowed != entitled {
      let kind: Violation.Kind =
        decision.isAllowed ? .leak(access, decision) : .wrongDenial(access, decision)
      violation = Violation(kind: kind, cpu: cpu, thread: thread)
    }
    return StepResult(outcome: .access(outcome), violation: violation)
  }

  private mutating func interruptFlag(
    _ instruction: InterruptFlagInstruction, on cpu: Int
  ) throws(MachineError) -> StepResult {
    let thread = try userThread(on: cpu)
    let iopl = strategy.userIOPL(of: thread, kernel: state.kernel)
    if InterruptFlagInstruction.executes(cpl: .ring3, iopl: iopl) {
      return StepResult(
        outcome: .interruptFlag(.executed),
        violation: Violation(kind: .interruptFlagChanged(instruction), cpu: cpu, thread: thread))
    }
    let kernel = state.kernel
    let skipped = kernel.configuration.fakesCLISTIAtLevel3 && kernel[thread].ioplEmulation == 3
    signalDelivered(to: thread, on: cpu)
    return StepResult(outcome: .interruptFlag(skipped ? .skipped : .faulted))
  }

  /// A #GP entered the kernel; leaving it (to the signal handler or the next instruction)
  /// is another exit to user mode.
  private mutating func signalDelivered(to thread: ThreadID, on cpu: Int) {
    returnToUser(on: cpu, thread: thread)
  }

  // MARK: Checks

  private func checkCPU(_ cpu: Int) throws(MachineError) {
    guard state.cpus.indices.contains(cpu) else { throw .noSuchCPU(cpu) }
  }

  private func checkAlive(_ thread: ThreadID) throws(MachineError) {
    guard state.kernel.threads.indices.contains(thread.rawValue) else {
      throw .noSuchThread(thread)
    }
    guard state.kernel.isAlive(thread) else { throw .threadExited(thread) }
  }

  private func current(on cpu: Int) throws(MachineError) -> ThreadID {
    try checkCPU(cpu)
    guard let thread = state.cpus[cpu].current else { throw .idle(cpu: cpu) }
    return thread
  }

  private func userThread(on cpu: Int) throws(MachineError) -> ThreadID {
    let thread = try current(on: cpu)
    guard state.cpus[cpu].inUserMode else { throw .notInUserMode(cpu: cpu) }
    return thread
  }

  /// Broken invariants: the strategy's own (I1–I4 for Linux) and the kernel's.
  public func invariantViolations() -> [String] {
    strategy.invariantViolations(
      state: state.strategy, kernel: state.kernel, currents: state.cpus.map(\.current))
      + state.kernel.invariantViolations()
  }
}
