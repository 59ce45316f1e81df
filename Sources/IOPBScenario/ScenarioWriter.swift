import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBStrategies

/// Writes machine steps as a scenario file (docs/scenarios.md) that `iopb run` replays step for
/// step: threads are named `tN` after their creation order (``name(_:)``), a thread step is
/// written for a thread that is already current and in user mode (so the runner adds no
/// implicit step), and every system call and access carries the outcome it had.
public struct ScenarioWriter: Sendable {
  /// Lines written so far: the header, then one per step.
  public private(set) var lines: [String] = []
  /// How many step lines were written.
  public private(set) var stepCount = 0

  /// The header (`cpus`, `ports`, one `config deviation` per deviation) and one `process`
  /// line per live thread of `machine`, as root, on its CPU.
  public init(_ machine: Machine<some SwitchStrategy>) {
    let kernel = machine.kernel.configuration
    lines.append("cpus \(machine.cpuCount)")
    lines.append("ports \(kernel.portCount)")
    for deviation in kernel.deviations.sorted(by: { $0.rawValue < $1.rawValue }) {
      lines.append("config deviation \(deviation.rawValue)")
    }
    for thread in machine.kernel.liveThreads {
      lines.append("process \(Self.name(thread)) \(machine.homeCPU(of: thread)) \(machine.kernel[thread].credentials.uid == 0 ? "root" : "user")")
    }
  }

  /// The name the file gives `thread`.
  public static func name(_ thread: ThreadID) -> String { "t\(thread.rawValue)" }

  /// Adds `step`, taken on the machine `before`, with the outcome it had (`result`).
  public mutating func record(_ step: MachineStep, before: Machine<some SwitchStrategy>, result: StepResult?) {
    stepCount += 1
    let current = { (cpu: CPUID) in before.cpus[cpu].current.map(Self.name) ?? "idle" }
    let outcome = result.map { Self.expectation($0.outcome) } ?? ""
    // A thread a call creates: its number, or the one it would have had when the call failed.
    let created: String
    if case .syscall(_, let child?)? = result?.outcome { created = Self.name(child) } else { created = "t\(before.kernel.threads.count)" }
    switch step {
    case .syscall(let thread, let call):
      let name = Self.name(thread)
      switch call {
      case .ioperm(let from, let count, let on):
        lines.append("\(name): ioperm \(from) \(count) \(on ? "on" : "off")\(outcome)")
      case .iopl(let level): lines.append("\(name): iopl \(level)\(outcome)")
      case .fork(let cpu): lines.append("\(name): fork \(created) \(cpu)\(outcome)")
      case .thread(let cpu): lines.append("\(name): thread \(created) \(cpu)\(outcome)")
      case .exec: lines.append("\(name): exec\(outcome)")
      case .exit: lines.append("\(name): exit")
      case .setresuid(let uid): lines.append("\(name): setresuid \(uid)\(outcome)")
      case .ioWorker(let cpu): lines.append("\(name): ioworker \(created) \(cpu)\(outcome)")
      }
    case .contextSwitch(let cpu, let thread):
      lines.append("switch \(cpu) \(thread.map(Self.name) ?? "idle")")
    case .returnToUser(let cpu):
      lines.append("return \(cpu)")
    case .access(let cpu, let access):
      let mnemonic = "\(access.instruction.rawValue)\(access.width.suffix)"
      lines.append("\(current(cpu)): \(mnemonic) 0x\(String(access.port, radix: 16))\(outcome)")
    case .interruptFlag(let cpu, let instruction):
      lines.append("\(current(cpu)): \(instruction.rawValue)")
    case .migrate(let thread, let cpu):
      lines.append("\(Self.name(thread)): migrate \(cpu)")
    case .ioWorker(let worker, let action):
      switch action {
      case .createWorker(let cpu):
        lines.append("\(Self.name(worker)): ioworker \(created) \(cpu)\(outcome)")
      case .exit:
        lines.append("\(Self.name(worker)): exit")
      }
    case .vmExit(let cpu):
      lines.append("vmexit \(cpu)")
    case .failNextAllocation:
      lines.append("inject enomem")
    }
  }

  private static func expectation(_ outcome: StepOutcome) -> String {
    switch outcome {
    case .syscall(let errno, _): " -> \(errno?.name ?? "ok")"
    case .access(let access): " -> \(access.allowed ? "allow" : "deny")"
    case .interruptFlag, .done: ""
    }
  }

  /// The file: `comments` as `#` lines, then the lines.
  public func text(comments: [String] = []) -> String {
    (comments.map { "# " + $0 } + lines).joined(separator: "\n") + "\n"
  }
}
