import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBStrategies

/// N CPUs, each with its TSS and current thread, over one kernel, driven by one switch strategy.
///
/// Every user port access is decided twice: by ``IOPermissionCheck`` on the TSS bytes the
/// strategy keeps, and by ``Kernel/entitles(_:ports:)``. A disagreement is a ``Violation``.
/// The machine owns the strategy's ``StrategyContext`` and lends it to each hook; the faults a
/// hook reports into it come back with the step as violations too.
///
/// A kernel with deviations (``KernelConfiguration/deviations``) is judged against a reference
/// kernel (``reference``): the same configuration without them, taking every spawn, system call,
/// I/O worker step and injected allocation failure the kernel takes. Both create the same
/// threads in the same order, so thread numbers name the same threads in both, and the double
/// check's entitlement comes from the reference: a deviation that changes what a thread is
/// entitled to (a child without its parent's ports, a bitmap changed under a thread that shares
/// it) shows as a violation even when the CPU agrees with the deviating kernel. If the two stop
/// creating the same threads (a fork that fails in one and not in the other, when a deviation
/// consumed an injected failure differently), the step reports
/// ``IOPBStrategies/Violation/Kind/referenceDiverged(created:referenceCreated:)`` and the
/// machine drops the reference, judging by the deviating kernel from then on.
public struct Machine<Strategy: SwitchStrategy>: Sendable {
  public let strategy: Strategy
  /// The kernel, the strategy's state and the operations counted so far.
  public private(set) var context: StrategyContext<Strategy.State>
  /// What each CPU runs.
  public private(set) var cpus: PerCPU<CPUSlot>
  /// The kernel without the deviations, which entitlement comes from; nil without deviations
  /// or once it diverged.
  public private(set) var reference: Kernel? {
    didSet { hasReference = reference != nil }
  }
  /// ``reference`` is not nil: asked at every access without reading the kernel out.
  private var hasReference = false
  private var homeCPUs: [CPUID]
  /// What the steps since the last incremental check touched (``touchedInvariantViolations()``).
  private var touched = TouchedPlaces()

  /// A booted machine with `cpuCount` idle CPUs and no threads; with a reference kernel when
  /// `kernel` has deviations.
  public init(strategy: Strategy, cpuCount: Int, kernel: KernelConfiguration = KernelConfiguration()) {
    self.strategy = strategy
    context = StrategyContext(
      kernel: Kernel(configuration: kernel), state: strategy.makeState(cpuCount: cpuCount, kernel: kernel))
    cpus = PerCPU(repeating: .idle, count: cpuCount)
    homeCPUs = []
    touched.everything()
    if !kernel.deviations.isEmpty {
      var faithful = kernel
      faithful.deviations = []
      reference = Kernel(configuration: faithful)
      hasReference = true
    }
  }

  /// Everything that decides the machine's future, without the counts; setting it restores a
  /// state taken from a machine of the same strategy (a checker's backtracking).
  public var state: MachineState<Strategy.State> {
    get {
      MachineState(kernel: context.kernel, reference: reference, strategy: context.state, cpus: cpus, homeCPU: homeCPUs)
    }
    set {
      context.kernel = newValue.kernel
      reference = newValue.reference
      context.state = newValue.strategy
      cpus = newValue.cpus
      homeCPUs = newValue.homeCPU
      touched.everything()
    }
  }

  public var kernel: Kernel {
    _read { yield context.kernel }
  }
  /// Operations the strategy performed since the machine was made or ``takeCounts()`` last
  /// took them; not part of ``state``.
  public var counts: OperationCounts {
    _read { yield context.counts }
  }
  public var cpuCount: Int { cpus.count }

  /// ``counts`` as they are, after which they start again from zero: for a caller that
  /// attributes every operation once (the simulator's switch samples), one copy instead of a
  /// snapshot and a difference.
  public mutating func takeCounts() -> OperationCounts {
    defer { context.counts = OperationCounts() }
    return context.counts
  }

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
    _ = reference?.spawnProcess(credentials: credentials)
    homeCPUs.append(cpu)
    return thread
  }

  /// ``spawn(credentials:on:)``, reported to `observer`.
  public mutating func spawn(
    credentials: Credentials, on cpu: CPUID, observedBy observer: inout some MachineObserver
  ) throws(MachineError) -> ThreadID {
    let thread = try spawn(credentials: credentials, on: cpu)
    observer.record(.spawned(thread, cpu: cpu))
    return thread
  }

  /// Moves `thread`'s placement to `cpu`; it runs there the next time it is scheduled.
  public mutating func place(_ thread: ThreadID, on cpu: CPUID) throws(MachineError) {
    try checkCPU(cpu)
    try checkAlive(thread)
    homeCPUs[thread.rawValue] = cpu
  }

  /// The steps that bring `thread` onto its home CPU, and into user mode when `userMode` and it
  /// is not an I/O worker: what a scheduler does before the thread can act. Empty when it is
  /// already there.
  public func preparation(for thread: ThreadID, userMode: Bool = true) -> [MachineStep] {
    let userMode = userMode && !context.kernel[thread].isIOWorker
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

  /// Takes one step. The result carries, after any violation of the step itself, every fault
  /// the strategy's code reported during it (``IOPBStrategies/Violation/Kind/kernelFault(_:)``).
  public mutating func apply(_ step: MachineStep) throws(MachineError) -> StepResult {
    var result: StepResult
    do {
      result = try take(step)
    } catch {
      throw refused(error)
    }
    guard hasFaults else { return result }
    result.violations += takeFaults()
    return result
  }

  /// ``apply(_:)``, reporting the step taken or refused to `observer`.
  public mutating func apply(
    _ step: MachineStep, observedBy observer: inout some MachineObserver
  ) throws(MachineError) -> StepResult {
    let cpu = step.cpu ?? step.thread.flatMap(runningCPU(of:))
    do {
      let result = try apply(step)
      observer.record(.took(step, on: cpu, result))
      return result
    } catch {
      observer.record(.refused(step, error))
      throw error
    }
  }

  // The lean steps below are the simulator's path for every switch and access: they take the
  // step as ``apply(_:)`` does but build no ``StepResult`` and return no `Violation?`, whose
  // handling alone (an enum with strings) cost a tenth of a simulated switch. The caller reads
  // an access's own violation from its outcome (``AccessOutcome/violation(of:by:on:)``) and the
  // strategy's faults with ``takeFaults()``.

  /// A user port access on `cpu`, as ``apply(_:)`` takes `.access(cpu, access)`; faults the
  /// strategy reported wait in ``hasFaults``.
  public mutating func access(_ access: IOAccess, on cpu: CPUID) throws(MachineError) -> AccessOutcome {
    noteActing(on: cpu)
    do {
      return try userAccess(access, on: cpu)
    } catch {
      throw refused(error)
    }
  }

  /// A context switch on `cpu` to `next` (nil: idle), as ``apply(_:)`` takes
  /// `.contextSwitch(cpu, next)`; faults the strategy reported wait in ``hasFaults``.
  public mutating func switchContext(on cpu: CPUID, to next: ThreadID?) throws(MachineError) {
    do {
      try contextSwitch(on: cpu, to: next)
    } catch {
      throw refused(error)
    }
  }

  /// The return to user mode on `cpu`, as ``apply(_:)`` takes `.returnToUser(cpu)`; faults the
  /// strategy reported wait in ``hasFaults``.
  public mutating func returnToUser(on cpu: CPUID) throws(MachineError) {
    noteActing(on: cpu)
    do {
      try enterUserMode(on: cpu)
    } catch {
      throw refused(error)
    }
  }

  /// `error`, once the faults the refused step's hooks reported are dropped: a refused step
  /// reports nothing but its error.
  private mutating func refused(_ error: MachineError) -> MachineError {
    context.faults = []
    return error
  }

  /// Notes `cpu` and its current thread as touched, as ``TouchedPlaces/note(_:currents:)``
  /// notes a step on a CPU.
  private mutating func noteActing(on cpu: CPUID) {
    touched.note(cpu: cpu, threads: cpus.indices.contains(cpu) ? cpus[cpu].current : nil, nil)
  }

  /// The strategy reported faults during the lean steps since ``takeFaults()``.
  public var hasFaults: Bool { !context.faults.isEmpty }

  /// The faults of the lean steps since the last call, as violations, in order.
  public mutating func takeFaults() -> [Violation] {
    defer { context.faults = [] }
    return context.faults.map { Violation(.kernelFault($0), cpu: $0.cpu, thread: $0.thread) }
  }

  private mutating func take(_ step: MachineStep) throws(MachineError) -> StepResult {
    touched.note(step, currents: cpus)
    switch step {
    case .syscall(let thread, let call):
      return try syscall(call, by: thread)
    case .ioWorker(let thread, let action):
      return try ioWorkerStep(action, by: thread)
    case .contextSwitch(let cpu, let next):
      try contextSwitch(on: cpu, to: next)
    case .returnToUser(let cpu):
      try enterUserMode(on: cpu)
    case .access(let cpu, let access):
      let outcome = try userAccess(access, on: cpu)
      let violation = outcome.violation(of: access, by: cpus[cpu].current, on: cpu)
      return StepResult(outcome: .access(outcome), violation: violation)
    case .interruptFlag(let cpu, let instruction):
      return try interruptFlag(instruction, on: cpu)
    case .migrate(let thread, let cpu):
      try place(thread, on: cpu)
      if let running = cpuRunning(thread), running != cpu {
        try contextSwitch(on: running, to: nil)
      }
    case .vmExit(let cpu):
      try checkCPU(cpu)
      cpus[cpu].inUserMode = false
      strategy.vmExit(on: cpu, current: cpus[cpu].current, in: &context)
    case .failNextAllocation:
      context.kernel.pendingAllocationFailures += 1
      reference?.pendingAllocationFailures += 1
    }
    return StepResult(outcome: .done)
  }

  // MARK: Steps

  private mutating func syscall(_ call: Syscall, by thread: ThreadID) throws(MachineError) -> StepResult {
    try checkAlive(thread)
    guard let cpu = cpuRunning(thread) else { throw .notRunning(thread) }
    guard cpus[cpu].inUserMode else { throw .notInUserMode(cpu: cpu) }
    if let target = call.placement { try checkCPU(target) }
    cpus[cpu].inUserMode = false
    return inKernel(call, by: thread, on: cpu)
  }

  /// A step of the I/O worker `thread`, which must be current on its CPU (it is always in the
  /// kernel): the same kernel work as a user thread's `create_io_thread()` or exit.
  private mutating func ioWorkerStep(_ action: IOWorkerAction, by thread: ThreadID) throws(MachineError) -> StepResult {
    try checkAlive(thread)
    guard context.kernel[thread].isIOWorker else { throw .notIOWorker(thread) }
    guard let cpu = cpuRunning(thread) else { throw .notRunning(thread) }
    switch action {
    case .createWorker(let target):
      try checkCPU(target)
      return inKernel(.ioWorker(cpu: target), by: thread, on: cpu)
    case .exit:
      return inKernel(.exit, by: thread, on: cpu)
    }
  }

  /// The kernel side of `call` by `thread`, current on `cpu` in the kernel, on the kernel and in
  /// step on the reference kernel, then the strategy's hooks for what it did.
  private mutating func inKernel(_ call: Syscall, by thread: ThreadID, on cpu: CPUID) -> StepResult {
    let allocatedBefore = context.kernel.allocatedBitmaps
    _ = context.kernel.takeFreedBitmaps()
    defer { bitmapsMayHaveBeenFreed(allocatedBefore: allocatedBefore, on: cpu) }
    let (error, effect) = Self.perform(call, by: thread, on: &context.kernel)
    var violations: [Violation] = []
    if var mirror = reference.take() {
      let mirrored = Self.perform(call, by: thread, on: &mirror).effect
      // Nobody checks the reference's invariants or watches its frees.
      _ = mirror.takeChanges()
      _ = mirror.takeFreedBitmaps()
      if mirrored.createdThread == effect.createdThread {
        reference = mirror
      } else {
        violations.append(
          Violation(
            .referenceDiverged(created: effect.createdThread, referenceCreated: mirrored.createdThread), cpu: cpu,
            thread: thread))
      }
    }
    if case .exit = call {
      retire(thread, on: cpu, updatingTSS: effect.ioBitmapExits.contains(thread))
      strategy.threadExited(thread, on: cpu, in: &context)
      return StepResult(outcome: .syscall(nil, created: nil), violations: violations)
    }
    if effect.createdThread != nil, let target = call.placement { homeCPUs.append(target) }
    for exited in effect.exitedThreads {
      let running = cpuRunning(exited)
      if let running { retire(exited, on: running, updatingTSS: effect.ioBitmapExits.contains(exited)) }
      strategy.threadExited(exited, on: running ?? cpu, in: &context)
    }
    if effect.failedForkUpdatedTSS {
      strategy.failedForkUpdatedTSS(on: cpu, current: thread, in: &context)
    }
    if effect.copiedOnWrite {
      strategy.bitmapCopiedOnWrite(on: cpu, thread: thread, in: &context)
    }
    if effect.permissionsChanged {
      strategy.permissionsChanged(on: cpu, thread: thread, in: &context)
    }
    return StepResult(outcome: .syscall(error, created: effect.createdThread), violations: violations)
  }

  /// `call` on `kernel`: its errno, if it failed, and what it did (a failed fork may have done
  /// something under a deviation).
  private static func perform(_ call: Syscall, by thread: ThreadID, on kernel: inout Kernel) -> (
    error: Errno?, effect: SyscallEffect
  ) {
    do throws(Errno) {
      switch call {
      case .ioperm(let from, let count, let on):
        return (nil, try kernel.ioperm(thread, from: from, count: count, turnOn: on))
      case .iopl(let level): return (nil, try kernel.iopl(thread, level: level))
      case .fork: return kernel.clone(thread, as: .process)
      case .thread: return kernel.clone(thread, as: .thread)
      case .ioWorker: return kernel.clone(thread, as: .ioWorker)
      case .exec: return (nil, kernel.exec(thread))
      case .exit: return (nil, kernel.exit(thread))
      case .setresuid(let uid): return (nil, try kernel.setresuid(thread, uid: uid))
      }
    } catch {
      return (error, .none)
    }
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
    touched.note(cpu: cpu, threads: previous, next)
    context.counts.contextSwitches += 1
    strategy.contextSwitch(on: cpu, from: previous, to: next, in: &context)
  }

  /// The current thread of `cpu`, in the kernel, returns to user mode.
  private mutating func enterUserMode(on cpu: CPUID) throws(MachineError) {
    let thread = try current(on: cpu)
    guard !cpus[cpu].inUserMode else { throw .notInKernel(cpu: cpu) }
    guard !context.kernel[thread].isIOWorker else { throw .ioWorkerStaysInKernel(thread) }
    returnToUser(on: cpu, thread: thread)
    cpus[cpu].inUserMode = true
  }

  /// Every exit to user mode passes here: the machine counts it, the strategy does its work.
  private mutating func returnToUser(on cpu: CPUID, thread: ThreadID) {
    context.counts.returnsToUser += 1
    strategy.returnToUser(on: cpu, thread: thread, in: &context)
  }

  /// Tells the strategy which bitmaps that existed before the call (ids below
  /// `allocatedBefore`) the call freed.
  private mutating func bitmapsMayHaveBeenFreed(allocatedBefore: Int, on cpu: CPUID) {
    let freed = context.kernel.takeFreedBitmaps().filter { $0.rawValue < allocatedBefore }.sorted()
    guard !freed.isEmpty else { return }
    strategy.bitmapsFreed(freed, on: cpu, in: &context)
  }

  private mutating func contextSwitch(on cpu: CPUID, to next: ThreadID?) throws(MachineError) {
    try checkCPU(cpu)
    if let next {
      try checkAlive(next)
      if let running = cpuRunning(next), running != cpu {
        throw .runningElsewhere(next, cpu: running)
      }
    }
    // schedule() picking the running thread again does not call __switch_to().
    if next != nil, cpus[cpu].current == next { return }
    switchTasks(on: cpu, from: cpus[cpu].current, to: next)
    cpus[cpu] = CPUSlot(current: next, inUserMode: false)
    // Written only when it moves: a write makes the array unique first, a runtime call.
    if let next, homeCPUs[next.rawValue] != cpu { homeCPUs[next.rawValue] = cpu }
  }

  private mutating func userAccess(_ access: IOAccess, on cpu: CPUID) throws(MachineError) -> AccessOutcome {
    let thread = try userThread(on: cpu)
    // Ports past a reduced count do not exist; the last ones' straddles still reach the
    // all-ones long after the map, as 0xffff's reach the terminator.
    guard Int(access.port) < context.kernel.portCount else {
      throw .noSuchPort(Int(access.port), portCount: context.kernel.portCount)
    }
    let iopl = strategy.userIOPL(of: thread, kernel: context.kernel)
    strategy.portAccessed(on: cpu, thread: thread, access: access, in: &context)
    var decision = strategy.decide(access, on: cpu, in: context.state, iopl: iopl)
    var restarted = false
    if !decision.isAllowed {
      restarted = strategy.generalProtection(on: cpu, thread: thread, access: access, in: &context)
      if restarted {
        decision = strategy.decide(access, on: cpu, in: context.state, iopl: iopl)
      }
      if !decision.isAllowed { signalDelivered(to: thread, on: cpu) }
    }
    let entitled =
      !hasReference
      ? context.kernel.entitles(thread, ports: access.ports) : referenceEntitles(thread, ports: access.ports)
    return AccessOutcome(decision: decision, entitled: entitled, restarted: restarted)
  }

  /// The reference kernel's entitlement (false without one).
  private mutating func referenceEntitles(_ thread: ThreadID, ports: ClosedRange<Int>) -> Bool {
    reference?.entitles(thread, ports: ports) ?? false
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

  // These helpers are `mutating` though they change nothing: called from the mutating steps, a
  // non-mutating method takes a copy of the whole machine (its kernel and the strategy's
  // state), which profiling showed at every access.

  /// ``runningCPU(of:)`` for the steps.
  private mutating func cpuRunning(_ thread: ThreadID) -> CPUID? {
    for cpu in cpus.indices where cpus[cpu].current == thread { return cpu }
    return nil
  }

  @inline(__always)
  private mutating func checkCPU(_ cpu: CPUID) throws(MachineError) {
    guard cpus.indices.contains(cpu) else { throw .noSuchCPU(cpu) }
  }

  @inline(__always)
  private mutating func checkAlive(_ thread: ThreadID) throws(MachineError) {
    guard context.kernel.threads.indices.contains(thread.rawValue) else {
      throw .noSuchThread(thread)
    }
    guard context.kernel.isAlive(thread) else { throw .threadExited(thread) }
  }

  @inline(__always)
  private mutating func current(on cpu: CPUID) throws(MachineError) -> ThreadID {
    try checkCPU(cpu)
    guard let thread = cpus[cpu].current else { throw .idle(cpu: cpu) }
    return thread
  }

  @inline(__always)
  private mutating func userThread(on cpu: CPUID) throws(MachineError) -> ThreadID {
    let thread = try current(on: cpu)
    guard cpus[cpu].inUserMode else { throw .notInUserMode(cpu: cpu) }
    return thread
  }

  // MARK: Judgements

  /// Broken invariants: the strategy's own (I1–I4 for Linux), then the kernel's. Scans every
  /// CPU, thread and bitmap: the check a model checker runs at every state.
  public func invariantViolations() -> [InvariantViolation] {
    strategy.invariantViolations(in: context.state, kernel: context.kernel, currents: PerCPU(cpus.map { $0.current }))
      + context.kernel.invariantViolations().map(InvariantViolation.kernel)
  }

  /// The broken invariants ``invariantViolations()`` reports at the places the steps since the
  /// last call touched (since ``state`` was set, everything), in the same order; work in
  /// proportion to those places, not to the threads and bitmaps that exist. Every violation
  /// those steps caused is among them; one they left alone may not be reported again.
  ///
  /// The places: the CPUs each step acted on (every CPU for a step that entered the kernel,
  /// whose hooks may reach any CPU) and the CPUs running touched threads; the threads each step
  /// named, those the kernel wrote (``Kernel/takeChanges()``) and the live holders of every
  /// bitmap whose contents changed; the bitmaps the kernel wrote.
  public mutating func touchedInvariantViolations() -> [InvariantViolation] {
    let changes = context.kernel.takeChanges()
    let places = touched
    touched = TouchedPlaces()
    guard !places.isEverything, !changes.isEverything else { return invariantViolations() }
    var threads = Set(places.threads).union(changes.threads)
    for bitmap in Set(changes.rewrittenBitmaps) { threads.formUnion(context.kernel.holders(of: bitmap)) }
    var scopeCPUs: Set<CPUID>?
    if !places.allCPUs {
      scopeCPUs = Set(places.cpus).union(cpus.indices.filter { cpus[$0].current.map(threads.contains) ?? false })
    }
    let scope = InvariantScope(cpus: scopeCPUs, threads: threads)
    return strategy.invariantViolations(
      in: context.state, kernel: context.kernel, currents: PerCPU(cpus.map { $0.current }), within: scope)
      + context.kernel.invariantViolations(in: changes).map(InvariantViolation.kernel)
  }

  /// True when a limitation the strategy declares explains `violation`, judged on the machine
  /// as it is right after the step that reported it.
  public func limitationExplains(_ violation: Violation) -> Bool {
    strategy.limitationExplains(violation, kernel: context.kernel, state: context.state)
  }
}
