import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBSimulator
import IOPBStrategies

/// Turns a list of integers into machine steps that are valid in the state reached so far, so
/// that shrinking the list shrinks the scenario. Each integer is read as digits of mixed radix,
/// the indices ``Machine/randomStep(_:index:)`` asks for: an operation by weight, then one of its
/// enabled steps (the thread, CPU, ports and other arguments together) from ``menu``.
struct RandomMachineDriver<Strategy: SwitchStrategy> {
  var machine: Machine<Strategy>
  var log: [String] = []
  let menu: StepMenu

  init(strategy: Strategy, cpuCount: Int, portCount: Int) {
    machine = Machine(
      strategy: strategy, cpuCount: cpuCount, kernel: KernelConfiguration(portCount: portCount))
    menu = Self.menu(portCount: portCount)
    for (cpu, credentials) in [(0, Credentials.root), (cpuCount - 1, .user), (0, .root)] as [(Int, Credentials)] {
      _ = try? machine.spawn(credentials: credentials, on: CPUID(rawValue: cpu))
    }
  }

  /// Every operation, every live thread acting (brought onto its CPU first); ports around
  /// bytes, words and the top of the space; counts that run past the end; every `iopl` level
  /// including the invalid 4; `exit` while more than two threads live.
  static func menu(portCount: Int) -> StepMenu {
    var menu = StepMenu(.implicit, operations: Set(StepMenu.Operation.allCases), maxThreads: .max)
    let top = portCount - 1
    let ports = [0, 1, 7, 8, 15, 63, 64, 0x70, 0x80, top / 2, top - 8, top - 3, top - 1, top].filter { $0 <= top }
    menu.ioperms = StepMenu.ioperms(
      from: ports.map(UInt64.init), counts: [1, 1, 2, 3, 9, 64, 200], turnOn: [true, true, false])
    menu.levels = [0, 1, 2, 3, 4]
    menu.probes = StepMenu.probes(ports: ports.map(UInt16.init), widths: IOAccessWidth.allCases)
    menu.interruptFlagInstructions = [.cli, .sti]
    menu.minThreads = 2
    menu.childPlacement = .anyCPU
    menu.weights = [
      .ioperm: 8, .iopl: 4, .fork: 4, .thread: 4, .exec: 4, .exit: 4, .setresuid: 4, .access: 12, .cli: 2,
      .switch: 4, .return: 4, .migrate: 4, .vmexit: 3, .enomem: 4,
    ]
    return menu
  }

  /// Decodes and applies one operation. Returns a problem description, or nil.
  mutating func step(_ code: Int) -> String? {
    var rest = code
    let choice = machine.randomStep(menu) { count in
      defer { rest /= max(count, 1) }
      return rest % max(count, 1)
    }
    guard let choice else { return nil }
    for step in machine.steps(for: choice) {
      log.append(step.description)
      let result: StepResult
      do { result = try machine.apply(step) } catch { return "step \(step) refused: \(error)" }
      if result.outcome != .done { log[log.count - 1] += " → \(result.outcome)" }
      if let violation = result.violation { return violation.description }
      let broken = machine.invariantViolations()
      if !broken.isEmpty { return broken.map(\.description).joined(separator: "; ") }
    }
    return nil
  }

  /// Runs every code; returns the first problem with the steps that led to it.
  mutating func run(_ codes: [Int]) -> String? {
    for code in codes {
      if let problem = step(code) {
        return "\(problem)\nsteps:\n" + log.joined(separator: "\n")
      }
    }
    return nil
  }
}
