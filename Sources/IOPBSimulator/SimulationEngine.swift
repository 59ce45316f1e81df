import DequeModule
import HeapModule
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
/// per CPU with real-time threads ahead of normal ones; a waking real-time thread preempts a
/// normal one at once; a CPU-bound thread is preempted at the end of its slice when others
/// wait. The next event is the earliest CPU deadline (a handful of CPUs, scanned in order) or
/// the earliest wakeup (a heap of sleepers); ties go to the CPU, then the lower CPU number,
/// then the lower thread number.
struct SimulationEngine<Strategy: SwitchStrategy> {
  private enum Status: Equatable {
    case runnable, running, sleeping(until: Int), exited
  }

  /// One simulated thread and where its program is.
  private struct ThreadRecord {
    /// The index of its program in ``programs``.
    var program: Int
    var thread: ThreadID
    var cpu: CPUID
    var status: Status = .runnable
    var started = false
    var bursts = 0
    /// Burst time left after a preemption; `Int.max` for a CPU-bound thread.
    var remaining: Int?
    var nextPort = 0
    var firstRun = 0
  }

  private struct CPU {
    var current: Int?
    var queue: Deque<Int> = []
    var burstEnd = Int.max
    var sliceEnd = Int.max
  }

  /// A sleeping thread's wakeup, ordered by time, then thread number.
  private struct Wakeup: Comparable {
    var time: Int
    var record: Int
    static func < (lhs: Self, rhs: Self) -> Bool { (lhs.time, lhs.record) < (rhs.time, rhs.record) }
  }

  private let workload: Workload
  /// The workload's programs, then what each one's threads run (``Program/threadProgram``):
  /// threads name theirs by index, so that a step reads a field, not a copy of the program.
  private let programs: [Program]
  /// Where each program's threads' program is in ``programs``, and its fork child's (nil for
  /// an unknown name, which fails the run at the fork).
  private let threadPrograms: [Int]
  private let childPrograms: [Int?]
  private let profile: CycleProfile
  /// Check the strategy's and the kernel's invariants after every
  /// ``invariantCheckInterval``-th switch where the steps since the last check touched them
  /// (``Machine/touchedInvariantViolations()``), and all of them at the end.
  private let checksInvariants: Bool
  static var invariantCheckInterval: Int { 16 }
  private var machine: Machine<Strategy>
  /// Each CPU's open switch sample, the caches its copies read from, and their pricing.
  private var samples: SwitchSamples
  private var random: SimulationRandom
  private var records: [ThreadRecord] = []
  private var cpus: PerCPU<CPU>
  private var wakeups: Heap<Wakeup> = []
  private var now = 0
  private var nextPlacement: CPUID = 0
  private var result: SimulationResult
  private let control: RunControl
  /// The CPU whose steps made every operation the machine counted since the counts were last
  /// taken (``flushCounts()``): they are attributed once per run of steps on one CPU (a switch
  /// and its accesses), not after every step.
  private var pendingCPU: CPUID?

  init(
    workload: Workload, strategy: Strategy, profile: CycleProfile, checksInvariants: Bool,
    control: RunControl = .unbounded
  ) {
    self.workload = workload
    let count = workload.programs.count
    programs = workload.programs + workload.programs.map(\.threadProgram)
    threadPrograms = (0..<count).map { $0 + count } + (count..<2 * count).map { $0 }
    let byName = Dictionary(
      workload.programs.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    childPrograms = programs.map { $0.forking.flatMap { byName[$0.child] } }
    self.profile = profile
    self.checksInvariants = checksInvariants
    self.control = control
    let cpuCount = max(1, workload.cpuCount)
    machine = Machine(strategy: strategy, cpuCount: cpuCount, kernel: workload.kernel)
    samples = SwitchSamples(cpuCount: cpuCount, profile: profile)
    random = SimulationRandom(seed: workload.seed)
    cpus = PerCPU(repeating: CPU(), count: cpuCount)
    result = SimulationResult(
      workload: workload.name, strategy: strategy.name, profile: profile.name, seed: workload.seed,
      switchCycles: [], switchCounts: OperationCounts(), syscallCounts: OperationCounts(),
      syscallCycles: 0, violations: [], failure: nil, accesses: 0, deniedAccesses: 0,
      activity: SimulationActivity(), events: 0, simulatedMicroseconds: 0, partial: false)
    // One figure per switch: room for them up front (up to a million), not regrown on the way.
    if case .switches(let count) = workload.duration {
      result.switchCycles.reserveCapacity(min(max(0, count), 1 << 20))
    }
  }

  mutating func run() -> SimulationResult {
    boot()
    while isRunning, !isFinished {
      guard result.events < workload.maxEvents else {
        result.partial = true
        break
      }
      if result.events % RunControl.pollInterval == 0, result.events > 0 {
        guard !control.shouldStop() else {
          result.partial = true
          break
        }
        control.report(result.events, result.switchCycles.count)
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
      case .wake:
        if let wakeup = wakeups.popMin() { wake(wakeup.record) }
      }
    }
    checkInvariants(everywhere: true)
    for cpu in cpus.indices { closeSample(on: cpu) }
    result.switchCounts = samples.closedCounts
    result.copyBytesByResidency = samples.copyBytesByResidency
    // A copy inside a system call reads the bitmap the call has just written: L1.
    result.syscallCycles = profile.cycles(for: result.syscallCounts, copiesFrom: .l1)
    result.simulatedMicroseconds = now
    return result
  }

  // The helpers below that read `self` are `mutating`, as are the others: called from a
  // mutating method, a non-mutating one takes a copy of the whole engine (the machine and its
  // kernel, the workload, the profile), which profiling showed at every event.

  private var isRunning: Bool {
    mutating get { result.violations.isEmpty && result.failure == nil }
  }

  private var isFinished: Bool {
    mutating get {
      switch workload.duration {
      case .switches(let count): result.switchCycles.count + samples.openCount >= count
      case .ticks(let ticks): now >= ticks * workload.tickMicroseconds
      }
    }
  }

  // MARK: Events

  private enum Event { case cpu(CPUID), wake }

  private mutating func nextEvent() -> (Int, Event)? {
    var best: (Int, Event)?
    for cpu in cpus.indices where cpus[cpu].current != nil {
      let time = cpus[cpu].queue.isEmpty ? cpus[cpu].burstEnd : min(cpus[cpu].burstEnd, cpus[cpu].sliceEnd)
      if time != .max, best.map({ time < $0.0 }) ?? true { best = (time, .cpu(cpu)) }
    }
    if let wakeup = wakeups.min, best.map({ wakeup.time < $0.0 }) ?? true { best = (wakeup.time, .wake) }
    return best
  }

  private mutating func boot() {
    for (index, program) in workload.programs.enumerated() {
      for _ in 0..<max(0, program.instances) {
        let cpu = program.cpu.map { CPUID(rawValue: min(max(0, $0.rawValue), cpus.count - 1)) } ?? takePlacement()
        let credentials: Credentials = program.privileged ? .root : .user
        let thread: ThreadID
        do { thread = try machine.spawn(credentials: credentials, on: cpu) } catch {
          fail("cannot spawn \(program.name): \(error)")
          return
        }
        records.append(ThreadRecord(program: index, thread: thread, cpu: cpu))
        enqueue(records.count - 1)
        guard isRunning else { return }
      }
    }
  }

  private mutating func takePlacement() -> CPUID {
    defer { nextPlacement = CPUID(rawValue: (nextPlacement.rawValue + 1) % cpus.count) }
    return nextPlacement
  }

  /// The running thread's burst ended or its slice expired.
  private mutating func burstEnded(on cpu: CPUID) {
    guard let record = cpus[cpu].current else { return }
    let burstEnd = cpus[cpu].burstEnd
    if now < burstEnd {
      records[record].remaining = burstEnd == .max ? .max : burstEnd - now
      records[record].status = .runnable
      cpus[cpu].queue.append(record)
      scheduleNext(on: cpu)
      return
    }
    records[record].bursts += 1
    let program = records[record].program
    if let limit = programs[program].burstsBeforeExit, records[record].bursts >= limit {
      exit(record, on: cpu)
      return
    }
    if let every = programs[program].regrantEvery, every > 0, records[record].bursts % every == 0,
      let grant = programs[program].grants.first
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
      guard syscall(drop, by: record, on: cpu) != nil, syscall(take, by: record, on: cpu) != nil else { return }
    }
    if let every = programs[program].forking?.every, every > 0, records[record].bursts % every == 0 {
      fork(record, on: cpu)
      guard isRunning, cpus[cpu].current == record else { return }
    }
    switch programs[program].sleep {
    case .never:
      records[record].status = .runnable
      cpus[cpu].queue.append(record)
    case .random(let range):
      sleep(record, until: now + max(1, random.uniform(range)))
    case .periodic(let period):
      let step = max(1, period)
      let elapsed = now - records[record].firstRun
      sleep(record, until: records[record].firstRun + (elapsed / step + 1) * step)
    }
    scheduleNext(on: cpu)
  }

  private mutating func sleep(_ record: Int, until time: Int) {
    records[record].status = .sleeping(until: time)
    wakeups.insert(Wakeup(time: time, record: record))
  }

  private mutating func wake(_ record: Int) {
    if cpus.count > 1, random.chance(permille: programs[records[record].program].migrationPermille) {
      var target = random.uniform(0...(cpus.count - 2))
      if target >= records[record].cpu.rawValue { target += 1 }
      let cpu = CPUID(rawValue: target)
      do { try machine.place(records[record].thread, on: cpu) } catch {
        fail("cannot migrate \(programs[records[record].program].name): \(error)")
        return
      }
      records[record].cpu = cpu
      result.activity.migrations += 1
    }
    enqueue(record)
  }

  /// The position in `cpu`'s queue after its real-time threads.
  private mutating func afterRealtime(on cpu: CPUID) -> Int {
    cpus[cpu].queue.firstIndex { !programs[records[$0].program].realtime } ?? cpus[cpu].queue.count
  }

  /// Makes `record` runnable on its CPU, running it at once if the CPU is idle or runs a
  /// normal thread while it is real-time.
  private mutating func enqueue(_ record: Int) {
    records[record].status = .runnable
    let cpu = records[record].cpu
    if programs[records[record].program].realtime {
      cpus[cpu].queue.insert(record, at: afterRealtime(on: cpu))
    } else {
      cpus[cpu].queue.append(record)
    }
    guard let current = cpus[cpu].current else {
      scheduleNext(on: cpu)
      return
    }
    if programs[records[record].program].realtime, !programs[records[current].program].realtime {
      let burstEnd = cpus[cpu].burstEnd
      records[current].remaining = burstEnd == .max ? .max : max(0, burstEnd - now)
      records[current].status = .runnable
      cpus[cpu].queue.insert(current, at: afterRealtime(on: cpu))
      result.activity.preemptions += 1
      scheduleNext(on: cpu)
    } else if cpus[cpu].sliceEnd <= now {
      cpus[cpu].sliceEnd = now + workload.tickMicroseconds
    }
  }

  /// Switches `cpu` to the head of its queue, or to idle.
  private mutating func scheduleNext(on cpu: CPUID) {
    guard let record = cpus[cpu].queue.popFirst() else {
      if cpus[cpu].current != nil {
        cpus[cpu].current = nil
        openSample(on: cpu, running: nil)
        switchContext(on: cpu, to: nil)
      }
      return
    }
    switchIn(record, on: cpu)
  }

  private mutating func switchIn(_ record: Int, on cpu: CPUID) {
    openSample(on: cpu, running: record)
    cpus[cpu].current = record
    records[record].status = .running
    switchContext(on: cpu, to: records[record].thread)
    returnToUser(on: cpu)
    if result.switchCycles.count % Self.invariantCheckInterval == 0 { checkInvariants(everywhere: false) }
    guard isRunning else { return }
    if !records[record].started {
      records[record].started = true
      records[record].firstRun = now
      start(record, on: cpu)
      guard isRunning else { return }
    }
    access(record, on: cpu)
    touchCopies(on: cpu)
    let program = records[record].program
    if let remaining = records[record].remaining {
      cpus[cpu].burstEnd = remaining == .max ? .max : now + remaining
      records[record].remaining = nil
    } else {
      cpus[cpu].burstEnd =
        programs[program].sleep == .never ? .max : now + max(1, random.uniform(programs[program].runMicroseconds))
    }
    cpus[cpu].sliceEnd = programs[program].realtime ? .max : now + workload.timeSliceMicroseconds
  }

  // MARK: What threads do

  /// First run: the permission calls and the threads.
  private mutating func start(_ record: Int, on cpu: CPUID) {
    for grant in programs[records[record].program].grants {
      let call: Syscall =
        switch grant {
        case .ioperm(let from, let count): .ioperm(from: UInt64(from), count: UInt64(count), turnOn: true)
        case .iopl3: .iopl(level: 3)
        }
      guard syscall(call, by: record, on: cpu) != nil else { return }
    }
    for _ in 0..<programs[records[record].program].threads {
      let target = takePlacement()
      guard let thread = syscall(.thread(cpu: target), by: record, on: cpu) ?? nil else { return }
      records.append(ThreadRecord(program: threadPrograms[records[record].program], thread: thread, cpu: target))
      result.activity.threads += 1
      enqueue(records.count - 1)
      guard isRunning, cpus[cpu].current == record else { return }
    }
  }

  private mutating func fork(_ record: Int, on cpu: CPUID) {
    guard let program = childPrograms[records[record].program] else {
      let parent = programs[records[record].program]
      fail("\(parent.name) forks unknown program '\(parent.forking?.child ?? "")'")
      return
    }
    let target = takePlacement()
    guard let thread = syscall(.fork(cpu: target), by: record, on: cpu) ?? nil else { return }
    records.append(ThreadRecord(program: program, thread: thread, cpu: target))
    result.activity.forks += 1
    enqueue(records.count - 1)
  }

  private mutating func exit(_ record: Int, on cpu: CPUID) {
    flushCounts()
    do { _ = try machine.apply(.syscall(records[record].thread, .exit)) } catch {
      fail("\(programs[records[record].program].name): exit: \(error)")
      return
    }
    result.syscallCounts.add(machine.takeCounts())
    records[record].status = .exited
    result.activity.exits += 1
    cpus[cpu].current = nil
    closeSample(on: cpu)
    scheduleNext(on: cpu)
  }

  /// The thread's port accesses for this run.
  private mutating func access(_ record: Int, on cpu: CPUID) {
    let program = records[record].program
    let ports = programs[program].ports
    guard !ports.isEmpty else { return }
    attributeCounts(to: cpu)
    let accesses = programs[program].accessesPerRun
    var next = records[record].nextPort
    for index in 0..<accesses {
      let access = IOAccess(index % 2 == 0 ? .in : .out, port: ports[next])
      next = next == ports.count - 1 ? 0 : next + 1
      let outcome: AccessOutcome
      do { outcome = try machine.access(access, on: cpu) } catch {
        fail("\(MachineStep.access(cpu: cpu, access)): \(error)")
        return
      }
      if outcome.violates || machine.hasFaults {
        report(outcome.violation(of: access, by: records[record].thread, on: cpu))
        return
      }
      result.accesses += 1
      if !outcome.allowed { result.deniedAccesses += 1 }
    }
    records[record].nextPort = (records[record].nextPort + accesses) % ports.count
  }

  /// A system call by the running `record` and its return to user mode, counted apart from
  /// the switches. Returns the created thread (itself optional), or nil when the call failed.
  private mutating func syscall(_ call: Syscall, by record: Int, on cpu: CPUID) -> ThreadID?? {
    flushCounts()
    defer {
      let counts = machine.takeCounts()
      result.syscallCounts.add(counts)
      // ioperm writes the bitmap and scans all of it; a copy into the TSS writes the map.
      let kernel = machine.kernel
      if case .ioperm = call, let id = kernel[records[record].thread].ioBitmap, let bitmap = kernel.bitmaps[id] {
        samples.touch(.bitmap(id), bytes: bitmap.words.count * 8, on: cpu)
      }
      if counts.bytesCopied > 0 {
        samples.touch(.tssMap, bytes: counts.bytesCopied, on: cpu)
      }
    }
    let outcome: StepResult
    do {
      outcome = try machine.apply(.syscall(records[record].thread, call))
      _ = try machine.apply(.returnToUser(cpu: cpu))
    } catch {
      fail("\(programs[records[record].program].name): \(call): \(error)")
      return nil
    }
    guard case .syscall(let errno, let created) = outcome.outcome else { return .some(nil) }
    if let errno {
      fail("\(programs[records[record].program].name): \(call) failed with \(errno)")
      return nil
    }
    switch call {
    case .ioperm, .iopl: result.activity.permissionCalls += 1
    default: break
    }
    return .some(created)
  }

  /// Switches `cpu` to `thread` (nil: idle), adding the switch's operations to the CPU's open
  /// sample.
  private mutating func switchContext(on cpu: CPUID, to thread: ThreadID?) {
    attributeCounts(to: cpu)
    do {
      try machine.switchContext(on: cpu, to: thread)
      if machine.hasFaults { report(nil) }
    } catch {
      fail("\(MachineStep.contextSwitch(cpu: cpu, to: thread)): \(error)")
    }
  }

  /// `cpu`'s thread returns to user mode; its operations go to the CPU's open sample.
  private mutating func returnToUser(on cpu: CPUID) {
    attributeCounts(to: cpu)
    do {
      try machine.returnToUser(on: cpu)
      if machine.hasFaults { report(nil) }
    } catch {
      fail("\(MachineStep.returnToUser(cpu: cpu)): \(error)")
    }
  }

  /// The machine's next operations are `cpu`'s: those counted before go where they belong.
  private mutating func attributeCounts(to cpu: CPUID) {
    guard pendingCPU != cpu else { return }
    flushCounts()
    pendingCPU = cpu
  }

  /// Records the first violation of a step, with whether a limitation of the strategy explains
  /// it: `own` (an access's double check), else the first fault the strategy reported.
  private mutating func report(_ own: Violation?) {
    let faults = machine.takeFaults()
    guard let violation = own ?? faults.first else { return }
    result.violations.append(
      SimulationViolation(microseconds: now, finding: .step(violation), explained: machine.limitationExplains(violation)))
  }

  private mutating func checkInvariants(everywhere: Bool) {
    guard checksInvariants, isRunning else { return }
    let found = everywhere ? machine.invariantViolations() : machine.touchedInvariantViolations()
    result.violations += found.map {
      SimulationViolation(microseconds: now, finding: .invariant($0), explained: false)
    }
  }

  /// Adds the operations since they were last attributed to the open sample of the CPU whose
  /// steps made them.
  private mutating func flushCounts() {
    guard let cpu = pendingCPU else { return }
    pendingCPU = nil
    samples.add(machine.takeCounts(), on: cpu)
  }

  /// Closes `cpu`'s open sample and opens one for a switch to `record` (nil: idle), whose
  /// copies read the thread's bitmap.
  private mutating func openSample(on cpu: CPUID, running record: Int?) {
    flushCounts()
    let touchRate = record.map { programs[records[$0].program].touchBytesPerMicrosecond } ?? 0
    let bitmap = record.flatMap { machine.kernel[records[$0].thread].ioBitmap }
    if let cycles = samples.open(on: cpu, at: now, touchRate: touchRate, bitmap: bitmap) {
      result.switchCycles.append(cycles)
    }
  }

  /// The copies of `cpu`'s open sample touched its bitmap and TSS map.
  private mutating func touchCopies(on cpu: CPUID) {
    flushCounts()
    samples.touchCopies(on: cpu)
  }

  private mutating func closeSample(on cpu: CPUID) {
    flushCounts()
    if let cycles = samples.close(on: cpu, at: now) { result.switchCycles.append(cycles) }
  }

  private mutating func fail(_ message: String) {
    if result.failure == nil { result.failure = "at \(now) µs: \(message)" }
  }
}
