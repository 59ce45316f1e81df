import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBScenario

/// A scenario compiled for the designs on metal: its threads become CPL-3 contexts of the
/// metal kernel (`N`, `F`), its successful `ioperm`/`iopl` calls calls into the kernel (`I`,
/// `L`), its port accesses `A` lines, and on one CPU its explicit switches `S` lines.
///
/// What a syscall did is taken from the model's run on `linux-5.5` (errno, created thread), so
/// the kernel is told only what succeeded (an injected allocation failure shows as the failed
/// call). Steps without effect on the I/O map (exec, exit, setresuid, CLI/STI, migration,
/// return to user) are left out: the metal kernel has one CPU
/// and brings each thread onto it before it acts.
public struct MetalScenarioProgram: Sendable, Hashable {
  /// One operation of the compiled scenario; accesses carry the index of their scenario step.
  public enum Operation: Sendable, Hashable {
    case create(thread: Int)
    case fork(parent: Int, child: Int)
    case ioperm(thread: Int, from: UInt64, count: UInt64, on: Bool)
    case iopl(thread: Int, level: UInt32)
    case contextSwitch(thread: Int)
    /// A VM exit: TR's limit drops to 0x67 on the metal CPU.
    case vmExit
    case access(step: Int, thread: Int, IOAccess)
  }

  /// Why a scenario cannot run on metal.
  public struct Unsupported: Error, Sendable, Hashable, CustomStringConvertible {
    public var source: String
    public var reason: String
    public var description: String { "\(source): not run on metal: \(reason)" }
  }

  /// Threads the metal kernel runs (`Layout.maxThreads`).
  public static let maxThreads = 8

  public var scenario: Scenario
  public var operations: [Operation]

  /// Compiles `scenario` with the model's `reference` run of it on `linux-5.5`.
  public init(_ scenario: Scenario, reference: ScenarioRun) throws(Unsupported) {
    func unsupported(_ reason: String) -> Unsupported { Unsupported(source: scenario.source, reason: reason) }
    guard scenario.kernel == KernelConfiguration() else { throw unsupported("a kernel configuration other than the default") }
    self.scenario = scenario
    var operations: [Operation] = []
    var threads: [String: Int] = [:]
    func thread(_ name: String) throws(Unsupported) -> Int {
      guard let index = threads[name] else { throw unsupported("thread \(name) unknown") }
      return index
    }
    func add(_ name: String) throws(Unsupported) -> Int {
      guard threads.count < Self.maxThreads else { throw unsupported("more than \(Self.maxThreads) threads") }
      threads[name] = threads.count
      return threads.count - 1
    }
    for (index, record) in reference.records.enumerated() {
      switch record.step.action {
      case .process(let name, _, _):
        operations.append(.create(thread: try add(name)))
      case .syscall(let name, let call):
        guard case .syscall(let errno, _)? = record.outcome else { throw unsupported("step \(index + 1) has no outcome") }
        guard errno == nil else { continue }
        let caller = try thread(name)
        switch call {
        case .ioperm(let from, let count, let on):
          operations.append(.ioperm(thread: caller, from: from, count: count, on: on))
        case .iopl(let level):
          operations.append(.iopl(thread: caller, level: level))
        case .fork(let child, _), .thread(let child, _):
          operations.append(.fork(parent: caller, child: try add(child)))
        case .exec, .exit, .setresuid:
          continue
        case .ioWorker:
          throw unsupported("io_uring workers")
        }
      case .access(let name, let access):
        guard !MetalVector.touchesUARTWide(access) else {
          throw unsupported("a \(access.width.rawValue)-byte access to COM1, the protocol UART (QEMU 7.2 aborts)")
        }
        operations.append(.access(step: index, thread: try thread(name), access))
      case .contextSwitch(_, let target):
        if scenario.cpuCount == 1, let target { operations.append(.contextSwitch(thread: try thread(target))) }
      case .ioWorker:
        throw unsupported("io_uring workers")
      case .vmExit:
        // Applied to the one metal CPU whichever CPU the scenario names. That decides no access
        // differently: every metal access runs its thread and returns it to user mode first,
        // which restores the limit for a thread that may reach ports (refresh_tss_limit(), or
        // the lazy design's #GP handler), as the model restores it on the exit's own CPU before
        // that CPU's thread acts again; a thread that may reach none is denied either way.
        operations.append(.vmExit)
      case .migrate, .failNextAllocation, .interruptFlag, .returnToUser:
        continue
      }
    }
    self.operations = operations
  }

  /// The program lines for `design`; access `n` of the scenario gets id `firstID + n`.
  public func lines(design: MetalDesign, firstID: Int) -> [String] {
    var lines = ["# \(scenario.source) on \(design)", "D \(design.rawValue)"]
    var id = firstID
    let hex = { (value: UInt64) in String(value, radix: 16) }
    for operation in operations {
      switch operation {
      case .create(let thread): lines.append("N \(thread)")
      case .fork(let parent, let child): lines.append("F \(parent) \(child)")
      case .ioperm(let thread, let from, let count, let on):
        // Linux rejects from + count > 65536 before any effect; a successful call fits.
        lines.append("I \(thread) \(hex(from)) \(hex(count)) \(on ? 1 : 0)")
      case .iopl(let thread, let level): lines.append("L \(thread) \(hex(UInt64(level)))")
      case .contextSwitch(let thread): lines.append("S \(thread)")
      case .vmExit: lines.append("M")
      case .access(_, let thread, let access):
        lines.append("A \(hex(UInt64(id))) \(thread) \(hex(UInt64(access.port))) \(access.width.rawValue)")
        id += 1
      }
    }
    lines.append("E")
    return lines
  }

  /// The scenario steps of the accesses, in order.
  public var accessSteps: [Int] {
    operations.compactMap { if case .access(let step, _, _) = $0 { step } else { nil } }
  }
}
