import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBStrategies

/// Runs a scenario on a machine with a given switch strategy.
public struct ScenarioRunner<Strategy: SwitchStrategy> {
  public private(set) var machine: Machine<Strategy>
  private var threads: [String: ThreadID] = [:]
  private var names: [ThreadID: String] = [:]
  private let scenario: Scenario
  /// Check the invariants after every step where the step may have broken them
  /// (``Machine/touchedInvariantViolations()``: the CPUs, threads and bitmaps it touched).
  public var checksInvariants = true

  public init(_ scenario: Scenario, strategy: Strategy) {
    self.scenario = scenario
    machine = Machine(strategy: strategy, cpuCount: scenario.cpuCount, kernel: scenario.kernel)
  }

  /// Runs every step. Stops at the first step that cannot be taken, recording why.
  public static func run(_ scenario: Scenario, strategy: Strategy) -> ScenarioRun {
    var runner = ScenarioRunner(scenario, strategy: strategy)
    return runner.run()
  }

  public mutating func run() -> ScenarioRun {
    var run = ScenarioRun(scenario: scenario, strategy: machine.strategy.name)
    for step in scenario.steps {
      do {
        run.records.append(try perform(step))
      } catch {
        run.error = ScenarioError(
          source: scenario.source, location: step.location, message: error.message)
        break
      }
    }
    run.counts = machine.counts
    run.threadNames = names
    return run
  }

  private struct StepFailure: Error {
    var message: String
  }

  private mutating func perform(_ step: ScenarioStep) throws(StepFailure) -> StepRecord {
    var record = StepRecord(step: step)
    switch step.action {
    case .process(let name, let cpu, let credentials):
      let thread: ThreadID
      do { thread = try machine.spawn(credentials: credentials, on: cpu, observedBy: &record) } catch {
        throw failure(error)
      }
      bind(name, thread)
    case .syscall(let name, let call):
      let thread = try resolve(name)
      try prepare(thread, into: &record)
      let machineCall: Syscall
      switch call {
      case .ioperm(let from, let count, let on): machineCall = .ioperm(from: from, count: count, turnOn: on)
      case .iopl(let level): machineCall = .iopl(level: level)
      case .fork(_, let cpu): machineCall = .fork(cpu: cpu ?? machine.homeCPU(of: thread))
      case .thread(_, let cpu): machineCall = .thread(cpu: cpu ?? machine.homeCPU(of: thread))
      case .exec: machineCall = .exec
      case .exit: machineCall = .exit
      case .setresuid(let uid): machineCall = .setresuid(uid: uid)
      case .ioWorker(_, let cpu): machineCall = .ioWorker(cpu: cpu ?? machine.homeCPU(of: thread))
      }
      try take(.syscall(thread, machineCall), into: &record)
      if case .syscall(_, let created?) = record.outcome {
        switch call {
        case .fork(let child, _), .thread(let child, _), .ioWorker(let child, _): bind(child, created)
        default: break
        }
      }
    case .ioWorker(let name, let call):
      // The worker is brought onto its CPU and stays in the kernel.
      let thread = try resolve(name)
      try prepare(thread, into: &record)
      switch call {
      case .ioWorker(let child, let cpu):
        try take(.ioWorker(thread, .createWorker(cpu: cpu ?? machine.homeCPU(of: thread))), into: &record)
        if case .syscall(_, let created?) = record.outcome { bind(child, created) }
      case .exit:
        try take(.ioWorker(thread, .exit), into: &record)
      }
    case .migrate(let name, let cpu):
      let thread = try resolve(name)
      try take(.migrate(thread, cpu: cpu), into: &record)
      try prepare(thread, into: &record)
    case .access(let name, let access):
      let thread = try resolve(name)
      try prepare(thread, into: &record)
      try take(.access(cpu: machine.homeCPU(of: thread), access), into: &record)
    case .interruptFlag(let name, let instruction):
      let thread = try resolve(name)
      try prepare(thread, into: &record)
      try take(.interruptFlag(cpu: machine.homeCPU(of: thread), instruction), into: &record)
    case .contextSwitch(let cpu, let name):
      let thread = try name.map { name throws(StepFailure) in try resolve(name) }
      try take(.contextSwitch(cpu: cpu, to: thread), into: &record)
    case .returnToUser(let cpu):
      try take(.returnToUser(cpu: cpu), into: &record)
    case .vmExit(let cpu):
      try take(.vmExit(cpu: cpu), into: &record)
    case .failNextAllocation:
      try take(.failNextAllocation, into: &record)
    }
    if checksInvariants { record.invariantViolations = machine.touchedInvariantViolations() }
    return record
  }

  /// Brings `thread` onto its CPU and, unless it is an I/O worker, into user mode.
  private mutating func prepare(_ thread: ThreadID, into record: inout StepRecord) throws(StepFailure) {
    for step in machine.preparation(for: thread) { try take(step, into: &record) }
  }

  private mutating func take(_ step: MachineStep, into record: inout StepRecord) throws(StepFailure) {
    do { _ = try machine.apply(step, observedBy: &record) } catch { throw failure(error) }
  }

  private func failure(_ error: MachineError) -> StepFailure {
    StepFailure(message: error.description(naming: name))
  }

  private func resolve(_ name: String) throws(StepFailure) -> ThreadID {
    guard let thread = threads[name] else {
      throw StepFailure(message: "thread '\(name)' does not exist (its fork or clone failed)")
    }
    return thread
  }

  private mutating func bind(_ name: String, _ thread: ThreadID) {
    threads[name] = thread
    names[thread] = name
  }

  /// A thread's scenario name (every thread the run creates gets one).
  private func name(_ thread: ThreadID) -> String { names[thread] ?? thread.description }
}
