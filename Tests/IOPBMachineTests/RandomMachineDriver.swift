import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBSimulator
import IOPBStrategies

/// Turns a list of integers into machine steps that are valid in the state reached so far, so
/// that shrinking the list shrinks the scenario. Each integer picks an operation and its
/// operands; threads, CPUs and ports are chosen among the live ones and interesting ports.
struct RandomMachineDriver<Strategy: SwitchStrategy> {
  var machine: Machine<Strategy>
  var log: [String] = []
  let ports: [Int]

  init(strategy: Strategy, cpuCount: Int, portCount: Int) {
    machine = Machine(
      strategy: strategy, cpuCount: cpuCount, kernel: KernelConfiguration(portCount: portCount))
    let top = portCount - 1
    ports = [0, 1, 7, 8, 15, 63, 64, 0x70, 0x80, top / 2, top - 8, top - 3, top - 1, top]
      .filter { $0 <= top }
    for (cpu, credentials) in [(0, Credentials.root), (cpuCount - 1, .user), (0, .root)] as [(Int, Credentials)] {
      _ = try? machine.spawn(credentials: credentials, on: CPUID(rawValue: cpu))
    }
  }

  var liveThreads: [ThreadID] { machine.kernel.threads.filter(\.isAlive).map(\.id) }

  /// Decodes and applies one operation. Returns a problem description, or nil.
  mutating func step(_ code: Int) -> String? {
    let live = liveThreads
    guard !live.isEmpty else { return nil }
    var rest = code
    func pick(_ count: Int) -> Int {
      defer { rest /= max(count, 1) }
      return rest % max(count, 1)
    }
    let operation = pick(15)
    let thread = live[pick(live.count)]
    let cpu = CPUID(rawValue: pick(machine.cpuCount))
    var steps: [MachineStep] = []
    switch operation {
    case 0, 1:
      let from = UInt64(ports[pick(ports.count)])
      let count = UInt64([1, 1, 2, 3, 9, 64, 200][pick(7)])
      steps = machine.preparation(for: thread)
        + [.syscall(thread, .ioperm(from: from, count: count, turnOn: pick(3) != 0))]
    case 2: steps = machine.preparation(for: thread) + [.syscall(thread, .iopl(level: UInt32(pick(5))))]
    case 3: steps = machine.preparation(for: thread) + [.syscall(thread, .fork(cpu: cpu))]
    case 4: steps = machine.preparation(for: thread) + [.syscall(thread, .thread(cpu: cpu))]
    case 5: steps = machine.preparation(for: thread) + [.syscall(thread, .exec)]
    case 6 where live.count > 2: steps = machine.preparation(for: thread) + [.syscall(thread, .exit)]
    case 7: steps = machine.preparation(for: thread) + [.syscall(thread, .setresuid(uid: 1000))]
    case 8, 9, 10:
      let width = IOAccessWidth.allCases[pick(3)]
      let access = IOAccess(.in, port: UInt16(ports[pick(ports.count)]), width: width)
      steps = machine.preparation(for: thread) + [.access(cpu: machine.homeCPU(of: thread), access)]
    case 11:
      let running = machine.runningCPU(of: thread)
      if running == nil || running == cpu { steps = [.contextSwitch(cpu: cpu, to: pick(4) == 0 ? nil : thread)] }
    case 12:
      if machine.cpus[cpu].current != nil, !machine.cpus[cpu].inUserMode {
        steps = [.returnToUser(cpu: cpu)]
      }
    case 13:
      steps = [.migrate(thread, cpu: cpu)]
    default:
      steps = pick(2) == 0 ? [.vmExit(cpu: cpu)] : [.failNextAllocation]
    }
    for step in steps {
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
