import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBMachine
import IOPBStrategies

/// A ``Machine`` of some strategy behind a non-generic face, so that the replay's own logic is
/// compiled once, for concrete types, and only the machine's steps go through the strategy's
/// generic code.
protocol ReplayMachine: AnyObject {
  var strategyName: String { get }
  var kptiCompatible: Bool? { get }
  var limitations: [String] { get }
  /// Threads the kernel model holds, live and exited.
  var threadCount: Int { get }
  /// Takes `step`, then `next` unless `step` reported a violation; returns the last result
  /// and the operations counted since boot after it (one call for a switch and its return to
  /// user mode).
  func apply(_ step: MachineStep, then next: MachineStep?) throws(MachineError) -> (StepResult, OperationCounts)
  /// A new process of one root thread placed on `cpu`.
  func spawn(on cpu: CPUID) throws(MachineError) -> ThreadID
  /// `thread`'s bitmap and its size in bytes, if it has one.
  func bitmap(of thread: ThreadID) -> (id: BitmapID, bytes: Int)?
  func entitles(_ thread: ThreadID, ports: ClosedRange<Int>) -> Bool
  func ioplEmulation(of thread: ThreadID) -> UInt8
  func limitationExplains(_ violation: Violation) -> Bool
  /// Drops the exited threads, renumbering the live ones densely (the checker's canonical
  /// renaming, which keeps behaviour); returns the renaming.
  func compact() -> Renumbering
}

final class MachineBox<Strategy: SwitchStrategy>: ReplayMachine {
  private var machine: Machine<Strategy>

  /// ``applyOpened(_:then:)`` as a closure made in ``init``: the boxing (``StrategyOpener``)
  /// specialises the initialiser per design, and with it this closure, where a call through the
  /// protocol's witness would run the generic method.
  private var applying: ((MachineStep, MachineStep?) throws(MachineError) -> (StepResult, OperationCounts))?

  init(strategy: Strategy, cpuCount: Int) {
    machine = Machine(strategy: strategy, cpuCount: cpuCount)
    applying = { [unowned self] (step, next) throws(MachineError) in try self.applyOpened(step, then: next) }
  }

  var strategyName: String { machine.strategy.name }
  var kptiCompatible: Bool? { machine.strategy.kptiCompatible }
  var limitations: [String] { machine.strategy.limitations }
  var threadCount: Int { machine.kernel.threads.count }

  func apply(_ step: MachineStep, then next: MachineStep?) throws(MachineError) -> (StepResult, OperationCounts) {
    guard let applying else { return try applyOpened(step, then: next) }
    return try applying(step, next)
  }

  private func applyOpened(_ step: MachineStep, then next: MachineStep?) throws(MachineError) -> (StepResult, OperationCounts) {
    var result = try machine.apply(step)
    if let next, result.violations.isEmpty { result = try machine.apply(next) }
    return (result, machine.counts)
  }

  func spawn(on cpu: CPUID) throws(MachineError) -> ThreadID { try machine.spawn(credentials: .root, on: cpu) }

  func bitmap(of thread: ThreadID) -> (id: BitmapID, bytes: Int)? {
    guard let id = machine.kernel[thread].ioBitmap, let bitmap = machine.kernel.bitmaps[id] else { return nil }
    return (id, bitmap.words.count * 8)
  }

  func entitles(_ thread: ThreadID, ports: ClosedRange<Int>) -> Bool { machine.kernel.entitles(thread, ports: ports) }

  func ioplEmulation(of thread: ThreadID) -> UInt8 { machine.kernel[thread].ioplEmulation }

  func limitationExplains(_ violation: Violation) -> Bool { machine.limitationExplains(violation) }

  func compact() -> Renumbering {
    let state = machine.state
    let renumbering = state.kernel.renumbering(
      threadOrder: state.kernel.liveThreads, cpuOrder: Array(0..<machine.cpuCount))
    machine.state = state.renumbered(by: renumbering, strategy: machine.strategy)
    return renumbering
  }
}
