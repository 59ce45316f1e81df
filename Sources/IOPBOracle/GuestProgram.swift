import IOPBCPU
import IOPBKernel
import IOPBScenario

/// Scenarios compiled into the guest agent's program (`docs/oracle-protocol.md`).
///
/// Threads become numbered actors; each scenario step with a user-visible effect becomes one
/// `step`, numbered by its index in ``Scenario/steps``. Explicit `switch` and `return` steps are
/// the real scheduler's business and are not sent, except a switch that moves a thread to another
/// CPU, which the guest performs as a migration. The permission check is the same for IN,
/// OUT, INS and OUTS (SDM vol. 1 §13.5.2), so every access is sent as an IN of the same port and
/// width, except `outb 0x80`, which the guest performs as written: writes elsewhere could reset
/// or power off the guest.
public struct GuestProgram: Sendable, Hashable {
  /// The program text.
  public var text: String
  /// For each compiled scenario, the index of every step sent (a step number in the text).
  public var sentSteps: [[Int]]

  /// Compiles `scenarios` (each must be ``OracleSupport/isSupported(_:)``) in order; the
  /// `scenario INDEX` of each is its position.
  public static func compile(_ scenarios: [Scenario]) -> GuestProgram {
    var lines: [String] = []
    var sent: [[Int]] = []
    for (index, scenario) in scenarios.enumerated() {
      lines.append("scenario \(index)")
      var actors: [String: Int] = [:]
      var home: [String: CPUID] = [:]
      var steps: [Int] = []
      func actor(_ name: String) -> Int {
        if let id = actors[name] { return id }
        let id = actors.count
        actors[name] = id
        return id
      }
      for (number, step) in scenario.steps.enumerated() {
        var line: String?
        switch step.action {
        case .process(let name, let cpu, let credentials):
          home[name] = cpu
          lines.append("actor \(actor(name)) \(cpu.rawValue) \(credentials.uid == 0 ? "root" : "user")")
        case .syscall(let name, let call):
          let id = actor(name)
          switch call {
          case .ioperm(let from, let count, let on): line = "ioperm \(from) \(count) \(on ? 1 : 0)"
          case .iopl(let level): line = "iopl \(level)"
          case .fork(let child, let cpu), .thread(let child, let cpu):
            let target = cpu ?? home[name] ?? 0
            home[child] = target
            let verb = if case .fork = call { "fork" } else { "thread" }
            line = "\(verb) \(actor(child)) \(target.rawValue)"
          case .exec: line = "exec"
          case .exit: line = "exit"
          case .setresuid(let uid): line = "setresuid \(uid)"
          case .ioWorker: line = nil  // model-only: supportedPrefix cuts before it
          }
          line = line.map { "step \(number) \(id) \($0)" }
        case .migrate(let name, let cpu):
          home[name] = cpu
          line = "step \(number) \(actor(name)) migrate \(cpu.rawValue)"
        case .access(let name, let access):
          let operation =
            access.instruction == .out && access.width == .byte && access.port == 0x80
            ? "outb80" : "in \(access.port) \(access.width.rawValue)"
          line = "step \(number) \(actor(name)) \(operation)"
        case .interruptFlag(let name, let instruction):
          line = "step \(number) \(actor(name)) \(instruction.rawValue)"
        case .contextSwitch(let cpu, let name?) where home[name] != cpu:
          // The model's switch also moves the thread there; the guest pins it the same way.
          home[name] = cpu
          line = "step \(number) \(actor(name)) migrate \(cpu.rawValue)"
        case .contextSwitch, .returnToUser, .vmExit, .failNextAllocation, .ioWorker:
          line = nil
        }
        if let line {
          lines.append(line)
          steps.append(number)
        }
      }
      lines.append("end")
      sent.append(steps)
    }
    return GuestProgram(text: lines.joined(separator: "\n") + "\n", sentSteps: sent)
  }
}
