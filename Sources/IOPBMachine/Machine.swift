import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBStrategies

/// N CPUs, each with its TSS and current thread, over one kernel, driven by one switch strategy.
///
/// Every user port access is decided twice: by ``IOPermissionCheck`` on the TSS bytes the
/// strategy keeps, and by ``Kernel/entitles(_:ports:)``. A disagreement is a ``Violation``.
/// The machine owns the strategy's ``StrategyContext`` and lends it to each hook.
public struct Machine<Strategy: SwitchStrategy>: Sendable {
  public let strategy: Strategy
  /// The kernel, the strategy's state and the operations counted so far.
  public private(set) var context: StrategyContext<Strategy.State>
  /// What each CPU runs.
  public private(set) var cpus: PerCPU<CPUSlot>
  private var homeCPUs: [CPUID]

  /// A booted machine with `cpuCount` idle CPUs and no threads.
  public init(strategy: Strategy, cpuCount: Int, kernel: KernelConfiguration = KernelConfiguration()) {
    self.strategy = strategy
    context = StrategyContext(
      kernel: Kernel(configuration: kernel), state: strategy.makeState(cpuCount: cpuCount, kernel: kernel))
    cpus = PerCPU(repeating: .idle, count: cpuCount)
    homeCPUs = []
  }

  /// Everything that decides the machine's future, without the counts; setting it restores a
  /// state taken from a machine of the same strategy (a checker's backtracking).
  public var state: MachineState<Strategy.State> {
    get { MachineState(kernel: context.kernel, strategy: context.state, cpus: cpus, homeCPU: homeCPUs) }
    set {
      context.kernel = newValue.kernel
      context.state = newValue.strategy
      cpus = newValue.cpus
      homeCPUs = newValue.homeCPU
    }
  }

  public var kernel: Kernel { context.kernel }
  /// Operations the strategy performed so far; not part of ``state``.
  public var counts: OperationCounts { context.counts }
  public var cpuCount: Int { cpus.count }

  /// The TSS the hardware check reads on `cpu`.
  public func tss(on cpu: CPUID) -> TaskStateSegment { strategy.tss(on: cpu, in: context.state) }

  /// The CPU `thread` is running on, if any.
  public func runningCPU(of thread: ThreadID) -> CPUID? {
    cpus.indices.first { cpus[$0].current == thread }
  }

  /// The CPU `thread` is placed on.
  public func homeCPU(of thread: ThreadID) -> CPUID { homeCPUs[thread.rawValue] }

  /// Starts a new process with one thread placed (not yet running) on `cpu`.
  public mutating func spawn(credentials: Credentials, on cpu: CPUID) throws(MachineError) -> ThreadID {
    try checkCPU(cpu)
    let thread = context.kernel.spawnProcess(credentials: credentials)
    homeCPUs.append(cpu)
    return thread
  }

  /// Moves `thread`'s placement to `cpu`; it runs there the next time it is scheduled.
  public mutating func place(_ thread: ThreadID, on cpu: CPUID) throws(MachineError) {
    try checkCPU(cpu)
    try checkAlive(thread)
    homeCPUs[thread.rawValue] = cpu
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
    if userMode, running != home || !cpus[home].inUserMode {
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
      guard !cpus[cpu].inUserMode else { throw .notInKernel(cpu: cpu) }
      returnToUser(on: cpu, thread: thread)
      cpus[cpu].inUserMode = true
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
      cpus[cpu].inUserMode = false
      strategy.vmExit(on: cpu, current: cpus[cpu].current, in: &context)
    case .failNextAllocation:
      context.kernel.pendingAllocationFailures += 1
    }
    return StepResult(outcome: .done)
  }

  // MARK: Steps

  private mutating func syscall(_ call: Syscall, by thread: ThreadID) throws(MachineError) -> StepOutcome {
    try checkAlive(thread)
    guard let cpu = runningCPU(of: thread) else { throw .notRunning(thread) }
    guard cpus[cpu].inUserMode else { throw .notInUserMode(cpu: cpu) }
    if case .fork(let target) = call { try checkCPU(target) }
    if case .thread(let target) = call { try checkCPU(target) }
    cpus[cpu].inUserMode = false
    let bitmapsBefore = Set(context.kernel.bitmaps.keys)
    defer { bitmapsMayHaveBeenFreed(since: bitmapsBefore, on: cpu) }
    let effect: SyscallEffect
    do throws(Errno) {
      switch call {
      case .ioperm(let from, let count, let on):
        effect = try context.kernel.ioperm(thread, from: from, count: count, turnOn: on)
      case .iopl(let level):
        effect = try context.kernel.iopl(thread, level: level)
      case .fork(let target), .thread(let target):
        let sameProcess = if case .thread = call { true } else { false }
        effect = try context.kernel.fork(thread, sameProcess: sameProcess)
        homeCPUs.append(target)
      case .exec:
        effect = context.kernel.exec(thread)
      case .exit:
        let exit = context.kernel.exit(thread)
        retire(thread, on: cpu, updatingTSS: exit.ioBitmapExits.contains(thread))
        strategy.threadExited(thread, on: cpu, in: &context)
        return .syscall(nil, created: nil)
      case .setresuid(let uid):
        effect = try context.kernel.setresuid(thread, uid: uid)
      }
    } catch {
      return .syscall(error, created: nil)
    }
    for exited in effect.exitedThreads {
      let running = runningCPU(of: exited)
      if let running { retire(exited, on: running, updatingTSS: effect.ioBitmapExits.contains(exited)) }
      strategy.threadExited(exited, on: running ?? cpu, in: &context)
    }
    if effect.copiedOnWrite {
      strategy.bitmapCopiedOnWrite(on: cpu, thread: thread, in: &context)
    }
    if effect.permissionsChanged {
      strategy.permissionsChanged(on: cpu, thread: thread, in: &context)
    }
    return .syscall(nil, created: effect.createdThread)
  }

  /// An exited thread's last moments on `cpu`: `io_bitmap_exit()`'s TSS side when it ran
  /// (`updatingTSS`), then schedule().
  private mutating func retire(_ thread: ThreadID, on cpu: CPUID, updatingTSS: Bool) {
    if updatingTSS { strategy.permissionsChanged(on: cpu, thread: thread, in: &context) }
    switchTasks(on: cpu, from: thread, to: nil)
    cpus[cpu] = .idle
  }

  /// Every context switch passes here: the machine counts it, the strategy does its work.
  private mutating func switchTasks(on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?) {
    context.counts.contextSwitches += 1
    strategy.contextSwitch(on: cpu, from: previous, to: next, in: &context)
  }

  /// Every exit to user mode passes here: the machine counts it, the strategy does its work.
  private mutating func returnToUser(on cpu: CPUID, thread: ThreadID) {
    context.counts.returnsToUser += 1
    strategy.returnToUser(on: cpu, thread: thread, in: &context)
  }

  private mutating func bitmapsMayHaveBeenFreed(since before: Set<BitmapID>, on cpu: CPUID) {
    let freed = before.subtracting(context.kernel.bitmaps.keys).sorted()
    guard !freed.isEmpty else { return }
    strategy.bitmapsFreed(freed, on: cpu, in: &context)
  }

  private mutating func contextSwitch(on cpu: CPUID, to next: ThreadID?) throws(MachineError) {
    try checkCPU(cpu)
    if let next {
      try checkAlive(next)
      if let running = runningCPU(of: next), running != cpu {
        throw .runningElsewhere(next, cpu: running)
      }
    }
    // schedule() picking the running thread again does not call __switch_to().
    if next != nil, cpus[cpu].current == next { return }
    switchTasks(on: cpu, from: cpus[cpu].current, to: next)
    cpus[cpu] = CPUSlot(current: next, inUserMode: false)
    if let next { homeCPUs[next.rawValue] = cpu }
  }

  private mutating func userAccess(_ access: IOAccess, on cpu: CPUID) throws(MachineError) -> StepResult {
    let thread = try userThread(on: cpu)
    // Ports past a reduced count do not exist; the last ones' straddles still reach the
    // all-ones long after the map, as 0xffff's reach the terminator.
    guard Int(access.port) < context.kernel.portCount else {
      throw .noSuchPort(Int(access.port), portCount: context.kernel.portCount)
    }
    let iopl = strategy.userIOPL(of: thread, kernel: context.kernel)
    strategy.portAccessed(on: cpu, thread: thread, access: access, in: &context)
    var decision = IOPermissionCheck.decide(access, tss: tss(on: cpu), iopl: iopl)
    var restarted = false
    if !decision.isAllowed {
      restarted = strategy.generalProtection(on: cpu, thread: thread, access: access, in: &context)
      if restarted {
        decision = IOPermissionCheck.decide(access, tss: tss(on: cpu), iopl: iopl)
      }
      if !decision.isAllowed { signalDelivered(to: thread, on: cpu) }
    }
    let entitled = context.kernel.entitles(thread, ports: access.ports)
    let outcome = AccessOutcome(decision: decision, entitled: entitled, restarted: restarted)
    var violation: Violation?
    if decision.isAllowed != entitled {
      let kind: Violation.Kind =
        decision.isAllowed ? .leak(access, decision) : .wrongDenial(access, decision)
      violation = Violation(kind, cpu: cpu, thread: thread)
    }
    return StepResult(outcome: .access(outcome), violation: violation)
  }

  private mutating func interruptFlag(
    _ instruction: InterruptFlagInstruction, on cpu: CPUID
  ) throws(MachineError) -> StepResult {
    let thread = try userThread(on: cpu)
    let iopl = strategy.userIOPL(of: thread, kernel: context.kernel)
    if InterruptFlagInstruction.executes(cpl: .ring3, iopl: iopl) {
      return StepResult(
        outcome: .interruptFlag(.executed),
        violation: Violation(.interruptFlagChanged(instruction), cpu: cpu, thread: thread))
    }
    let kernel = context.kernel
    let skipped = kernel.configuration.fakesCLISTIAtLevel3 && kernel[thread].ioplEmulation == 3
    signalDelivered(to: thread, on: cpu)
    return StepResult(outcome: .interruptFlag(skipped ? .skipped : .faulted))
  }

  /// A #GP entered the kernel; leaving it (to the signal handler or the next instruction)
  /// is another exit to user mode.
  private mutating func signalDelivered(to thread: ThreadID, on cpu: CPUID) {
    returnToUser(on: cpu, thread: thread)
  }

  // MARK: Checks

  private func checkCPU(_ cpu: CPUID) throws(MachineError) {
    guard cpus.indices.contains(cpu) else { throw .noSuchCPU(cpu) }
  }

  private func checkAlive(_ thread: ThreadID) throws(MachineError) {
    guard context.kernel.threads.indices.contains(thread.rawValue) else {
      throw .noSuchThread(thread)
    }
    guard context.kernel.isAlive(thread) else { throw .threadExited(thread) }
  }

  private func current(on cpu: CPUID) throws(MachineError) -> ThreadID {
    try checkCPU(cpu)
    guard let thread = cpus[cpu].current else { throw .idle(cpu: cpu) }
    return thread
  }

  private func userThread(on cpu: CPUID) throws(MachineError) -> ThreadID {
    let thread = try current(on: cpu)
    guard cpus[cpu].inUserMode else { throw .notInUserMode(cpu: cpu) }
    return thread
  }

  // MARK: Judgements

  /// Broken invariants: the strategy's own (I1–I4 for Linux), then the kernel's.
  public func invariantViolations() -> [InvariantViolation] {
    strategy.invariantViolations(in: context.state, kernel: context.kernel, currents: PerCPU(cpus.map(\.current)))
      + context.kernel.invariantViolations().map(InvariantViolation.kernel)
  }

  /// True when a limitation the strategy declares explains `violation`, judged on the machine
  /// as it is right after the step that reported it.
  public func limitationExplains(_ violation: Violation) -> Bool {
    strategy.limitationExplains(violation, kernel: context.kernel, state: context.state)
  }
}
