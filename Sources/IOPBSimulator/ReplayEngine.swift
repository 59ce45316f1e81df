import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBMachine
import IOPBStrategies
import IOPBTrace

/// Replays a trace's scheduler events as ``MachineStep``s (docs/replay.md): each switch the
/// trace records is a `__switch_to()` followed, for a user task, by its return to user mode and
/// the port accesses of an I/O-port user; forks, execs and exits are the system calls; every
/// access is double-checked by the machine. Costs are sampled per switch and priced as the
/// simulator prices them (``SimulationEngine``): the operations on a CPU from one switch to
/// the next, copies priced where the ``CacheModel`` says their source sits.
struct ReplayEngine {
  /// How a task enters and leaves the kernel.
  private enum Role {
    /// A user task: returns to user mode when switched in, makes system calls.
    case user
    /// A kernel thread (kthreadd and its children, or a kernel thread's name): stays in the
    /// kernel.
    case kernelThread
    /// An io_uring worker (`iou-*` created by a user task): the model's I/O worker.
    case ioWorker
  }

  private struct Task {
    var thread: ThreadID
    var tgid: Int32?
    var name: TaskName
    var role: Role
    /// The ``TraceReplayOptions/ioPortUsers`` index selecting it, once known.
    var portUser: Int?
    var portUserKnown = false
    var nextPort = 0
    /// False while the task cannot hold a bitmap: it never asked for ports and its parent
    /// could not have shared one.
    var mayHoldBitmap = false
  }

  private struct CPU {
    /// The trace's pid running here as the model has it; 0 is idle.
    var current: Int32 = 0
    var seen = false
    /// The current task's TGID is recorded (the trace shows it on every line).
    var tgidRecorded = false
    /// A task that exited here and still runs until its last switch.
    var dying: Int32?
  }

  private let options: TraceReplayOptions
  private let profile: CycleProfile
  private let machine: any ReplayMachine
  /// Each CPU's open switch sample, the caches its copies read from, and their pricing, as
  /// the simulator keeps them.
  private var samples: SwitchSamples
  private var tasks: [Int32: Task] = [:]
  private var cpus: [CPU]
  private var firstTimestamp: Int64?
  /// Microseconds since the first event.
  private var now = 0
  /// The machine's counts after its last step.
  private var counts = OperationCounts()
  private var histogram = CycleHistogram()
  private var result: SimulationResult
  private(set) var notes = TraceReplayNotes()
  /// Threads the kernel model held right after the last compaction.
  private var liveAfterCompaction = 0
  private var stopped = false

  init(machine: any ReplayMachine, cpuCount: Int, options: TraceReplayOptions, profile: CycleProfile, name: String) {
    self.options = options
    self.profile = profile
    self.machine = machine
    samples = SwitchSamples(cpuCount: cpuCount, profile: profile)
    cpus = Array(repeating: CPU(), count: cpuCount)
    notes.cpuCount = cpuCount
    result = SimulationResult(
      workload: name, strategy: machine.strategyName, profile: profile.name, seed: 0,
      switchCycles: [], switchCounts: OperationCounts(), syscallCounts: OperationCounts(),
      syscallCycles: 0, violations: [], failure: nil, accesses: 0, deniedAccesses: 0,
      activity: SimulationActivity(), events: 0, simulatedMicroseconds: 0, partial: false)
  }

  /// Live tasks in the model, and threads the kernel model holds (live and exited).
  var liveTasks: Int { tasks.count }
  var modelThreads: Int { machine.threadCount }

  // MARK: Events

  mutating func apply(_ event: TraceEvent) {
    guard !stopped else { return }
    result.events += 1
    let start = firstTimestamp ?? event.timestamp
    firstTimestamp = start
    now = max(now, Int((event.timestamp &- start) / 1000))
    guard event.cpu >= 0, Int(event.cpu) < cpus.count else {
      notes.eventsOutsideMachine += 1
      return
    }
    let cpu = Int(event.cpu)
    switch event.kind {
    case .contextSwitch(let previous, let previousName, let state, let next, let nextName):
      observe(previous, name: previousName, tgid: event.pid == previous ? event.tgid : nil, on: cpu)
      if state == .dead, cpus[cpu].current == previous, previous != 0 { exit(previous, on: cpu) }
      if state == .runnable, previous != 0 { result.activity.preemptions += 1 }
      guard !stopped else { return }
      switchTo(next, name: nextName, on: cpu, priced: true)
    case .wakeup:
      // Where a task wakes and moves costs nothing in the model: the switch that runs it
      // places it.
      observe(event.pid, name: event.name, tgid: event.tgid, on: cpu)
    case .migrate:
      observe(event.pid, name: event.name, tgid: event.tgid, on: cpu)
      result.activity.migrations += 1
    case .fork(let parent, let child, let childName):
      observe(parent, name: event.name, tgid: event.pid == parent ? event.tgid : nil, on: cpu)
      fork(parent, child: child, name: childName, on: cpu)
    case .exec(let pid, let newName):
      observe(pid, name: event.name, tgid: event.tgid, on: cpu)
      exec(pid, name: newName, on: cpu)
    case .exit(let pid):
      observe(pid, name: event.name, tgid: event.tgid, on: cpu)
      exit(pid, on: cpu)
    case .other:
      break
    }
    cpus[cpu].seen = true
  }

  /// The trace says `pid` is current on `cpu`: if the model runs another task there, the trace
  /// began while `pid` ran (a warm-up switch) or lost the switch (a repair).
  private mutating func observe(_ pid: Int32, name: TaskName, tgid: Int32?, on cpu: Int) {
    if pid != 0, let tgid, !(cpus[cpu].current == pid && cpus[cpu].tgidRecorded), var task = tasks[pid] {
      if task.tgid == nil {
        task.tgid = tgid
        task.portUserKnown = false
        tasks[pid] = task
      }
      cpus[cpu].tgidRecorded = cpus[cpu].current == pid
    }
    guard cpus[cpu].current != pid, cpus[cpu].dying != pid || pid == 0 else { return }
    let warmUp = !cpus[cpu].seen
    if warmUp { notes.warmUpSwitches += 1 } else { notes.repairedSwitches += 1 }
    switchTo(pid, name: name, tgid: tgid, on: cpu, priced: !warmUp)
  }

  /// `__switch_to()` on `cpu` to `pid` (0: idle), then, for a user task, its return to user
  /// mode and its port accesses.
  private mutating func switchTo(_ pid: Int32, name: TaskName, tgid: Int32? = nil, on cpu: Int, priced: Bool) {
    cpus[cpu].dying = nil
    cpus[cpu].tgidRecorded = false
    guard cpus[cpu].current != pid else { return }
    let id = CPUID(rawValue: cpu)
    guard pid != 0 else {
      if priced { openSample(on: cpu, touchRate: 0, bitmap: nil) } else { closeSample(on: cpu) }
      cpus[cpu].current = 0
      step(.contextSwitch(cpu: id, to: nil), on: cpu)
      return
    }
    guard var task = task(pid, name: name, tgid: tgid, on: cpu) else { return }
    if (!name.isEmpty && task.name != name) || !task.portUserKnown {
      if !name.isEmpty { task.name = name }
      task.portUser = options.ioPortUsers.firstIndex { $0.selects(pid: pid, tgid: task.tgid, name: task.name) }
      task.portUserKnown = true
      tasks[pid] = task
    }
    // Running elsewhere in the model: that CPU's switch away is missing from the trace.
    if let elsewhere = cpus.indices.first(where: { $0 != cpu && cpus[$0].current == pid }) {
      notes.repairedSwitches += 1
      switchTo(0, name: TaskName(), on: elsewhere, priced: true)
    }
    let bitmap = task.mayHoldBitmap ? machine.bitmap(of: task.thread)?.id : nil
    if priced {
      openSample(on: cpu, touchRate: options.touchBytesPerMicrosecond, bitmap: bitmap)
    } else {
      closeSample(on: cpu)
    }
    cpus[cpu].current = pid
    step(.contextSwitch(cpu: id, to: task.thread), then: task.role == .user ? .returnToUser(cpu: id) : nil, on: cpu)
    guard task.role == .user, !stopped else { return }
    if task.portUser != nil { usePorts(pid, on: cpu) }
    touchCopies(on: cpu)
  }

  /// The task `pid`, created on first sight as a new process placed on `cpu`.
  private mutating func task(_ pid: Int32, name: TaskName, tgid: Int32?, on cpu: Int) -> Task? {
    if let task = tasks[pid] { return task }
    let thread: ThreadID
    do { thread = try machine.spawn(on: CPUID(rawValue: cpu)) } catch {
      fail("cannot create pid \(pid): \(error)")
      return nil
    }
    let role: Role = pid == 2 || KernelThreadNames.matches(name) ? .kernelThread : .user
    if role == .kernelThread { notes.kernelThreads += 1 }
    notes.tasksSeenFirst += 1
    let task = Task(thread: thread, tgid: tgid, name: name, role: role)
    tasks[pid] = task
    notes.peakLiveTasks = max(notes.peakLiveTasks, tasks.count)
    return task
  }

  // MARK: System calls

  private mutating func fork(_ parent: Int32, child: Int32, name: TaskName, on cpu: Int) {
    if tasks[child] != nil {
      // The pid came back: its earlier task exited without the trace saying so.
      notes.tasksWithoutExit += 1
      tasks[child] = nil
    }
    guard let parentTask = tasks[parent], cpus[cpu].current == parent else {
      _ = task(child, name: name, tgid: nil, on: cpu)
      return
    }
    result.activity.forks += 1
    var role = parentTask.role
    if role == .user, name.description.hasPrefix("iou-") { role = .ioWorker }
    guard parentTask.role == .user else {
      // A kernel thread's child (kthreadd's): a kernel thread holding nothing, as a new process.
      guard var created = task(child, name: name, tgid: nil, on: cpu) else { return }
      notes.tasksSeenFirst -= 1
      if created.role != .kernelThread { notes.kernelThreads += 1 }
      created.role = .kernelThread
      tasks[child] = created
      return
    }
    let call: Syscall = role == .ioWorker ? .ioWorker(cpu: CPUID(rawValue: cpu)) : .fork(cpu: CPUID(rawValue: cpu))
    guard let created = syscall(call, by: parentTask.thread, on: cpu) ?? nil else { return }
    tasks[child] = Task(thread: created, tgid: nil, name: name, role: role, mayHoldBitmap: parentTask.mayHoldBitmap)
    notes.peakLiveTasks = max(notes.peakLiveTasks, tasks.count)
  }

  private mutating func exec(_ pid: Int32, name: TaskName, on cpu: Int) {
    guard var task = tasks[pid], cpus[cpu].current == pid else { return }
    task.name = name
    task.portUserKnown = false
    switch task.role {
    case .user:
      tasks[pid] = task
      _ = syscall(.exec, by: task.thread, on: cpu)
    case .kernelThread:
      // A kernel thread executing a program (a usermode helper) leaves for user mode.
      task.role = .user
      tasks[pid] = task
      step(.returnToUser(cpu: CPUID(rawValue: cpu)), on: cpu)
    case .ioWorker:
      tasks[pid] = task
    }
  }

  /// `do_exit()` of `pid`, current on `cpu`: it leaves the CPU idle in the model, and runs on
  /// in the trace until its last switch.
  private mutating func exit(_ pid: Int32, on cpu: Int) {
    guard let task = tasks[pid], cpus[cpu].current == pid else { return }
    let id = CPUID(rawValue: cpu)
    let before = counts
    do {
      switch task.role {
      case .user:
        counts = try machine.apply(.syscall(task.thread, .exit), then: nil).1
      case .kernelThread:
        // The model exits a thread from a system call only: a kernel thread passes through
        // user mode on its way out (docs/replay.md).
        counts = try machine.apply(.returnToUser(cpu: id), then: .syscall(task.thread, .exit)).1
      case .ioWorker:
        counts = try machine.apply(.ioWorker(task.thread, .exit), then: nil).1
      }
    } catch {
      fail("exit of pid \(pid): \(error)")
      return
    }
    if counts != before { result.syscallCounts.accumulate(counts, since: before) }
    result.activity.exits += 1
    tasks[pid] = nil
    cpus[cpu].current = 0
    cpus[cpu].dying = pid
    closeSample(on: cpu)
    compactIfWorthwhile()
  }

  /// `call` by `thread`, current on `cpu` in user mode, and its return to user mode, counted
  /// apart from the switches. Returns the created thread (itself optional), nil on failure.
  private mutating func syscall(_ call: Syscall, by thread: ThreadID, on cpu: Int) -> ThreadID?? {
    let before = counts
    let outcome: StepResult
    do {
      (outcome, counts) = try machine.apply(.syscall(thread, call), then: nil)
      counts = try machine.apply(.returnToUser(cpu: CPUID(rawValue: cpu)), then: nil).1
    } catch {
      fail("\(call): \(error)")
      return nil
    }
    if counts != before {
      result.syscallCounts.accumulate(counts, since: before)
      if counts.bytesCopied > before.bytesCopied {
        samples.touch(.tssMap, bytes: counts.bytesCopied - before.bytesCopied, on: CPUID(rawValue: cpu))
      }
    }
    record(outcome.violations)
    guard case .syscall(let errno, let created) = outcome.outcome else { return .some(nil) }
    if let errno {
      fail("\(call) failed with \(errno)")
      return nil
    }
    return .some(created)
  }

  // MARK: Ports

  /// The grants, once, and the accesses of an I/O-port user (``Task/portUser``, evaluated at
  /// its switch-in) just switched in on `cpu`.
  private mutating func usePorts(_ pid: Int32, on cpu: Int) {
    guard var task = tasks[pid], let index = task.portUser else { return }
    let user = options.ioPortUsers[index]
    if !task.mayHoldBitmap {
      task.mayHoldBitmap = true
      tasks[pid] = task
    }
    for grant in user.grants {
      let call: Syscall
      switch grant {
      case .ioperm(let from, let count):
        guard !machine.entitles(task.thread, ports: Int(from)...Int(from) + count - 1) else { continue }
        call = .ioperm(from: UInt64(from), count: UInt64(count), turnOn: true)
      case .iopl3:
        guard machine.ioplEmulation(of: task.thread) != 3 else { continue }
        call = .iopl(level: 3)
      }
      guard syscall(call, by: task.thread, on: cpu) != nil else { return }
      result.activity.permissionCalls += 1
      if let bitmap = machine.bitmap(of: task.thread) {
        samples.touch(.bitmap(bitmap.id), bytes: bitmap.bytes, on: CPUID(rawValue: cpu))
      }
    }
    guard !user.ports.isEmpty else { return }
    let id = CPUID(rawValue: cpu)
    for index in 0..<options.accessesPerRun {
      let port = user.ports[(task.nextPort + index) % user.ports.count]
      guard let outcome = step(.access(cpu: id, IOAccess(index % 2 == 0 ? .in : .out, port: port)), on: cpu) else {
        return
      }
      result.accesses += 1
      if case .access(let access) = outcome, !access.allowed { result.deniedAccesses += 1 }
    }
    task.nextPort = (task.nextPort + options.accessesPerRun) % user.ports.count
    tasks[pid] = task
  }

  // MARK: Steps and samples

  /// Takes `step`, adding its operations to `cpu`'s open sample.
  @discardableResult
  private mutating func step(_ step: MachineStep, then next: MachineStep? = nil, on cpu: Int) -> StepOutcome? {
    let before = counts
    let stepResult: StepResult
    do { (stepResult, counts) = try machine.apply(step, then: next) } catch {
      fail("\(step): \(error)")
      return nil
    }
    if counts != before { samples.add(counts, since: before, on: CPUID(rawValue: cpu)) }
    record(stepResult.violations)
    return stopped ? nil : stepResult.outcome
  }

  /// Violations of the double check; the replay stops at the first, as a simulation does.
  private mutating func record(_ violations: [Violation]) {
    guard let violation = violations.first else { return }
    result.violations.append(
      SimulationViolation(
        microseconds: now, finding: .step(violation), explained: machine.limitationExplains(violation)))
    stopped = true
  }

  private mutating func openSample(on cpu: Int, touchRate: Int, bitmap: BitmapID?) {
    if let cycles = samples.open(on: CPUID(rawValue: cpu), at: now, touchRate: touchRate, bitmap: bitmap) {
      histogram.add(cycles)
    }
  }

  /// The copies of `cpu`'s open sample touched its bitmap and TSS map.
  private mutating func touchCopies(on cpu: Int) {
    samples.touchCopies(on: CPUID(rawValue: cpu))
  }

  private mutating func closeSample(on cpu: Int) {
    if let cycles = samples.close(on: CPUID(rawValue: cpu), at: now) { histogram.add(cycles) }
  }

  private mutating func fail(_ message: String) {
    if result.failure == nil { result.failure = "at \(now) µs: \(message)" }
    stopped = true
  }

  // MARK: Bounded memory

  /// Drops the kernel model's exited threads once they outnumber the live ones enough, by
  /// renumbering the machine's state as a checker's canonical form does (same behaviour, dense
  /// numbers), and renames the replay's own references to match.
  private mutating func compactIfWorthwhile() {
    // The model's live threads are the table's, and those of tasks whose exit the trace lost
    // (still live in the model after the last compaction).
    let live = max(tasks.count, liveAfterCompaction)
    guard machine.threadCount >= 2 * live + options.compactionSlack else { return }
    let renumbering = machine.compact()
    liveAfterCompaction = machine.threadCount
    tasks = tasks.mapValues { task in
      var renamed = task
      renamed.thread = renumbering.thread(task.thread)
      return renamed
    }
    samples.renameBitmaps(by: renumbering)
    notes.compactions += 1
  }

  // MARK: Result

  mutating func finish() -> ComparisonRow {
    for cpu in cpus.indices { closeSample(on: cpu) }
    result.switchCounts = samples.closedCounts
    result.copyBytesByResidency = samples.copyBytesByResidency
    result.syscallCycles = profile.cycles(for: result.syscallCounts, copiesFrom: .l1)
    result.simulatedMicroseconds = now
    var row = ComparisonRow(
      result: result, validUnderKPTI: machine.kptiCompatible, limitations: machine.limitations)
    let statistics = histogram.statistics
    let divisor = Double(max(1, statistics.count))
    row.switches = statistics.count
    row.statistics = statistics
    row.bytesCopiedPerSwitch = Double(result.switchCounts.bytesCopied) / divisor
    row.bytesFilledPerSwitch = Double(result.switchCounts.bytesFilled) / divisor
    row.invalidationsPerSwitch = Double(result.switchCounts.pageInvalidations) / divisor
    row.taskRegisterLoadsPerSwitch = Double(result.switchCounts.taskRegisterLoads) / divisor
    return row
  }
}
