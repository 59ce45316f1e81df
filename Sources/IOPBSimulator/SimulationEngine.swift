import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBMachine
import IOPBStrategies

/// The discrete-event engine behind ``Simulator``: per-CPU run queues, time slices, sleeping and
/// waking, migration, fork, threads and exit, with every kernel entry, switch, return to user
/// and port access taken as a ``MachineStep`` so that each access is double-checked.
///
/// Time is in microseconds. Scheduling is deliberately simple and deterministic: FIFO run queues
/// per CPU with real-time tasks ahead of normal ones; a waking real-time task preempts a normal
/// one at once; a CPU-bound task is preempted at the end of its slice when others wait. Ties
/// are broken by CPU number, then by task number.
struct SimulationEngine<Strategy: SwitchStrategy> {
  private enum Status: Equatable {
    case runnable, running, sleeping(until: Int), exited
  }

  private struct Task {
    var spec: TaskSpec
    var thread: ThreadID
    var cpu: Int
    var status: Status = .runnable
    var started = false
    var bursts = 0
    /// Burst time left after a preemption; `Int.max` for a CPU-bound task.
    var remaining: Int?
    var nextPort = 0
    var firstRun = 0
  }

  private struct CPU {
    var current: Int?
    var queue: [Int] = []
    var burstEnd = Int.max
    var sliceEnd = Int.max
    /// Operations of the open switch sample, nil before the first switch.
    var sample: OperationCounts?
  }

  private let workload: Workload
  private let profile: CycleProfile
  /// Check the strategy's and the kernel's invariants after every
  /// ``invariantCheckInterval``-th switch and at the end.
  private let checksInvariants: Bool
  static var invariantCheckInterval: Int { 16 }
  private var machine: Machine<Strategy>
  private var random: SimulationRandom
  private var tasks: [Task] = []
  private var cpus: [CPU]
  private var sleepers: Set<Int> = []
  private var now = 0
  private var nextPlacement = 0
  private var result: SimulationResult

  init(workload: Workload, strategy: Strategy, profile: CycleProfile, checksInvariants: Bool) {
    self.workload = workload
    self.profile = profile
    self.checksInvariants = checksInvariants
    let cpuCount = max(1, workload.cpuCount)
    machine = Machine(strategy: strategy, cpuCount: cpuCount, kernel: workload.kernel)
    random = SimulationRandom(seed: workload.seed)
    cpus = Array(repeating: CPU(), count: cpuCount)
    result = SimulationResult(
      workload: workload.name, strategy: strategy.name, profile: profile.name, seed: workload.seed,
      switchCycles: [], switchCounts: OperationCounts(), syscallCounts: OperationCounts(),
      syscallCycles: 0, violations: [], failure: nil, accesses: 0, deniedAccesses: 0,
      activity: SimulationActivity(), events: 0, simulatedMicroseconds: 0, partial: false)
  }

  mutating func run() -> SimulationResult {
    boot()
    while isRunning, !isFinished {
      guard result.events < workload.maxEvents else {
        result.partial = true
        break
      }
      guard let (time, event) = nextEvent() else { break }
      if case .ticks(let ticks) = workload.duration, time >= ticks * workload.tickMicroseconds {
        now = ticks * workload.tickMicroseconds
        break
      }
      now = time
      result.events += 1
      switch event {
      case .cpu(let cpu): burstEnded(on: cpu)
      case .wake(let task): wake(task)
      }
    }
    checkInvariants()
    for cpu in cpus.indices { closeSample(on: cpu) }
    result.syscallCycles = profile.cycles(for: result.syscallCounts)
    result.simulatedMicroseconds = now
    return result
  }

  private var isRunning: Bool { result.violations.isEmpty && result.failure == nil }

  private var isFinished: Bool {
    switch workload.duration {
    case .switches(let count): result.switchCycles.count + openSamples >= count
    case .ticks(let ticks): now >= ticks * workload.tickMicroseconds
    }
  }

  private var openSamples: Int { cpus.count { $0.sample != nil } }

  // MARK: Events

  private enum Event { case cpu(Int), wake(Int) }

  private func nextEvent() -> (Int, Event)? {
    var best: (Int, Event)?
    for (index, cpu) in cpus.enumerated() where cpu.current != nil {
      let time = cpu.queue.isEmpty ? cpu.burstEnd : min(cpu.burstEnd, cpu.sliceEnd)
      if time != .max, best.map({ time < $0.0 }) ?? true { best = (time, .cpu(index)) }
    }
    var earliestWake: (time: Int, task: Int)?
    for task in sleepers {
      guard case .sleeping(let until) = tasks[task].status else { continue }
      if earliestWake.map({ (until, task) < ($0.time, $0.task) }) ?? true { earliestWake = (until, task) }
    }
    if let wake = earliestWake, best.map({ wake.time < $0.0 }) ?? true { best = (wake.time, .wake(wake.task)) }
    return best
  }

  private mutating func boot() {
    for spec in workload.tasks {
      for _ in 0..<max(0, spec.instances) {
        let cpu = spec.cpu.map { min(max(0, $0), cpus.count - 1) } ?? takePlacement()
        let credentials: Credentials = spec.privileged ? .root : .user
        let thread: ThreadID
        do { thread = try machine.spawn(credentials: credentials, on: cpu) } catch {
          fail("cannot spawn \(spec.name): \(error)")
          return
        }
        tasks.append(Task(spec: spec, thread: thread, cpu: cpu))
        enqueue(tasks.count - 1)
        guard isRunning else { return }
      }
    }
  }

  private mutating func takePlacement() -> Int {
    defer { nextPlacement = (nextPlacement + 1) % cpus.count }
    return nextPlacement
  }

  /// The running task's burst ended or its slice expired.
  private mutating func burstEnded(on cpu: Int) {
    guard let task = cpus[cpu].current else { return }
    let burstEnd = cpus[cpu].burstEnd
    if now < burstEnd {
      tasks[task].remaining = burstEnd == .max ? .max : burstEnd - now
      tasks[task].status = .runnable
      cpus[cpu].queue.append(task)
      scheduleNext(on: cpu)
      return
    }
    tasks[task].bursts += 1
    let spec = tasks[task].spec
    if let limit = spec.burstsBeforeExit, tasks[task].bursts >= limit {
      exit(task, on: cpu)
      return
    }
    if let every = spec.regrantEvery, every > 0, tasks[task].bursts % every == 0,
      let grant = spec.grants.first
    {
      let (drop, take): (Syscall, Syscall) =
        switch grant {
        case .ioperm(let from, let count):
          (
            .ioperm(from: UInt64(from), count: UInt64(count), turnOn: false),
            .ioperm(from: UInt64(from), count: UInt64(count), turnOn: true)
          )
        case .iopl3: (.iopl(level: 0), .iopl(level: 3))
        }
      guard syscall(drop, by: task, on: cpu) != nil, syscall(take, by: task, on: cpu) != nil else { return }
    }
    if let forking = spec.forking, forking.every > 0, tasks[task].bursts % forking.every == 0 {
      fork(task, on: cpu, child: forking.child)
      guard isRunning, cpus[cpu].current == task else { return }
    }
    switch spec.sleep {
    case .never:
      tasks[task].status = .runnable
      cpus[cpu].queue.append(task)
    case .random(let range):
      sleep(task, until: now + max(1, random.uniform(range)))
    case .periodic(let period):
      let step = max(1, period)
      let elapsed = now - tasks[task].firstRun
      sleep(task, until: tasks[task].firstRun + (elapsed / step + 1) * step)
    }
    scheduleNext(on: cpu)
  }

  private mutating func sleep(_ task: Int, until time: Int) {
    tasks[task].status = .sleeping(until: time)
    sleepers.insert(task)
  }

  private mutating func wake(_ task: Int) {
    sleepers.remove(task)
    if cpus.count > 1, random.chance(permille: tasks[task].spec.migrationPermille) {
      var target = random.uniform(0...(cpus.count - 2))
      if target >= tasks[task].cpu { target += 1 }
      do { try machine.place(tasks[task].thread, on: target) } catch {
        fail("cannot migrate \(tasks[task].spec.name): \(error)")
        return
      }
      tasks[task].cpu = target
      result.activity.migrations += 1
    }
    enqueue(task)
  }

  /// Makes `task` runnable on its CPU, running it at once if the CPU is idle or runs a normal
  /// task while it is real-time.
  private mutating func enqueue(_ task: Int) {
    tasks[task].status = .runnable
    let cpu = tasks[task].cpu
    if tasks[task].spec.realtime {
      let position = cpus[cpu].queue.firstIndex { !tasks[$0].spec.realtime } ?? cpus[cpu].queue.count
      cpus[cpu].queue.insert(task, at: position)
    } else {
      cpus[cpu].queue.append(task)
    }
    guard let current = cpus[cpu].current else {
      scheduleNext(on: cpu)
      return
    }
    if tasks[task].spec.realtime, !tasks[current].spec.realtime {
      let burstEnd = cpus[cpu].burstEnd
      tasks[current].remaining = burstEnd == .max ? .max : max(0, burstEnd - now)
      tasks[current].status = .runnable
      let position = cpus[cpu].queue.firstIndex { !tasks[$0].spec.realtime } ?? cpus[cpu].queue.count
      cpus[cpu].queue.insert(current, at: position)
      result.activity.preemptions += 1
      scheduleNext(on: cpu)
    } else if cpus[cpu].sliceEnd <= now {
      cpus[cpu].sliceEnd = now + workload.tickMicroseconds
    }
  }

  /// Switches `cpu` to the head of its queue, or to idle.
  private mutating func scheduleNext(on cpu: Int) {
    guard !cpus[cpu].queue.isEmpty else {
      if cpus[cpu].current != nil {
        cpus[cpu].current = nil
        closeSample(on: cpu)
        cpus[cpu].sample = OperationCounts()
        step(.contextSwitch(cpu: cpu, to: nil), on: cpu)
      }
      return
    }
    let task = cpus[cpu].queue.removeFirst()
    switchIn(task, on: cpu)
  }

  private mutating func switchIn(_ task: Int, on cpu: Int) {
    closeSample(on: cpu)
    cpus[cpu].sample = OperationCounts()
    cpus[cpu].current = task
    tasks[task].status = .running
    step(.contextSwitch(cpu: cpu, to: tasks[task].thread), on: cpu)
    step(.returnToUser(cpu: cpu), on: cpu)
    if result.switchCycles.count % Self.invariantCheckInterval == 0 { checkInvariants() }
    guard isRunning else { return }
    if !tasks[task].started {
      tasks[task].started = true
      tasks[task].firstRun = now
      start(task, on: cpu)
      guard isRunning else { return }
    }
    access(task, on: cpu)
    let spec = tasks[task].spec
    if let remaining = tasks[task].remaining {
      cpus[cpu].burstEnd = remaining == .max ? .max : now + remaining
      tasks[task].remaining = nil
    } else {
      cpus[cpu].burstEnd = spec.sleep == .never ? .max : now + max(1, random.uniform(spec.runMicroseconds))
    }
    cpus[cpu].sliceEnd = spec.realtime ? .max : now + workload.timeSliceMicroseconds
  }

  // MARK: Task actions

  /// First run: the permission calls and the threads.
  private mutating func start(_ task: Int, on cpu: Int) {
    for grant in tasks[task].spec.grants {
      let call: Syscall =
        switch grant {
        case .ioperm(let from, let count): .ioperm(from: UInt64(from), count: UInt64(count), turnOn: true)
        case .iopl3: .iopl(level: 3)
        }
      guard syscall(call, by: task, on: cpu) != nil else { return }
    }
    for _ in 0..<tasks[task].spec.threads {
      let target = takePlacement()
      guard let thread = syscall(.thread(cpu: target), by: task, on: cpu) ?? nil else { return }
      tasks.append(Task(spec: tasks[task].spec.threadSpec, thread: thread, cpu: target))
      result.activity.threads += 1
      enqueue(tasks.count - 1)
      guard isRunning, cpus[cpu].current == task else { return }
    }
  }

  private mutating func fork(_ task: Int, on cpu: Int, child: String) {
    guard let spec = workload.task(named: child) else {
      fail("\(tasks[task].spec.name) forks unknown task '\(child)'")
      return
    }
    let target = takePlacement()
    guard let thread = syscall(.fork(cpu: target), by: task, on: cpu) ?? nil else { return }
    tasks.append(Task(spec: spec, thread: thread, cpu: target))
    result.activity.forks += 1
    enqueue(tasks.count - 1)
  }

  private mutating func exit(_ task: Int, on cpu: Int) {
    let before = machine.counts
    do { _ = try machine.apply(.syscall(tasks[task].thread, .exit)) } catch {
      fail("\(tasks[task].spec.name): exit: \(error)")
      return
    }
    Self.accumulate(machine.counts, since: before, into: &result.syscallCounts)
    tasks[task].status = .exited
    result.activity.exits += 1
    cpus[cpu].current = nil
    closeSample(on: cpu)
    scheduleNext(on: cpu)
  }

  /// The task's port accesses for this run.
  private mutating func access(_ task: Int, on cpu: Int) {
    let ports = tasks[task].spec.ports
    guard !ports.isEmpty else { return }
    for index in 0..<tasks[task].spec.accessesPerRun {
      let port = ports[(tasks[task].nextPort + index) % ports.count]
      let instruction: IOInstruction = index % 2 == 0 ? .in : .out
      guard let outcome = step(.access(cpu: cpu, IOAccess(instruction, port: port)), on: cpu) else { return }
      result.accesses += 1
      if case .access(let access) = outcome, !access.allowed { result.deniedAccesses += 1 }
    }
    tasks[task].nextPort = (tasks[task].nextPort + tasks[task].spec.accessesPerRun) % ports.count
  }

  /// A system call by the running `task` and its return to user mode, counted apart from the
  /// switches. Returns the created thread (itself optional), or nil when the call failed.
  private mutating func syscall(_ call: Syscall, by task: Int, on cpu: Int) -> ThreadID?? {
    let before = machine.counts
    defer { Self.accumulate(machine.counts, since: before, into: &result.syscallCounts) }
    let outcome: StepResult
    do {
      outcome = try machine.apply(.syscall(tasks[task].thread, call))
      _ = try machine.apply(.returnToUser(cpu: cpu))
    } catch {
      fail("\(tasks[task].spec.name): \(call): \(error)")
      return nil
    }
    guard case .syscall(let errno, let created) = outcome.outcome else { return .some(nil) }
    if let errno {
      fail("\(tasks[task].spec.name): \(call) failed with \(errno)")
      return nil
    }
    switch call {
    case .ioperm, .iopl: result.activity.permissionCalls += 1
    default: break
    }
    return .some(created)
  }

  /// Takes `step` on `cpu`, adding its operations to the CPU's open switch sample.
  @discardableResult
  private mutating func step(_ step: MachineStep, on cpu: Int) -> StepOutcome? {
    let before = machine.counts
    let stepResult: StepResult
    do { stepResult = try machine.apply(step) } catch {
      fail("\(step): \(error)")
      return nil
    }
    if var sample = cpus[cpu].sample {
      Self.accumulate(machine.counts, since: before, into: &sample)
      cpus[cpu].sample = sample
    }
    if let violation = stepResult.violation {
      let line = "at \(now) µs: \(violation)"
      result.violations.append(line)
      if !machine.limitationExplains(violation) { result.unexplainedViolations.append(line) }
      return nil
    }
    return stepResult.outcome
  }

  private mutating func checkInvariants() {
    guard checksInvariants, isRunning else { return }
    let broken = machine.invariantViolations().map { "at \(now) µs: invariant: \($0)" }
    result.violations += broken
    result.unexplainedViolations += broken
  }

  /// Adds what happened between the snapshot `before` and `now` to `total`; most steps change
  /// nothing, and those skip the field-by-field work.
  private static func accumulate(
    _ now: OperationCounts, since before: OperationCounts, into total: inout OperationCounts
  ) {
    guard now != before else { return }
    total.accumulate(now, since: before)
  }

  private mutating func closeSample(on cpu: Int) {
    guard let sample = cpus[cpu].sample else { return }
    cpus[cpu].sample = nil
    result.switchCycles.append(profile.cycles(for: sample))
    result.switchCounts.accumulate(sample, since: OperationCounts())
  }

  private mutating func fail(_ message: String) {
    if result.failure == nil { result.failure = "at \(now) µs: \(message)" }
  }
}
