import IOPBCPU
import IOPBKernel
import IOPBStrategies

/// What a machine did, one event at a time, as an observer receives it: typed values that the
/// edge (reports, the CLI) renders as text.
public enum MachineEvent: Sendable, Hashable, Codable {
  /// ``Machine/spawn(credentials:on:)`` started `thread`, placed on `cpu`.
  case spawned(ThreadID, cpu: CPUID)
  /// ``Machine/apply(_:)`` took `step` on `cpu` (for a step named by thread, the CPU the thread
  /// ran on), with its outcome and violations.
  case took(MachineStep, on: CPUID?, StepResult)
  /// ``Machine/apply(_:)`` refused `step` in the machine's state.
  case refused(MachineStep, MachineError)

  // Names for the unlabelled values in the Codable form.
  enum SpawnedCodingKeys: String, CodingKey { case _0 = "thread", cpu }
  enum TookCodingKeys: String, CodingKey { case _0 = "step", on = "cpu", _2 = "result" }
  enum RefusedCodingKeys: String, CodingKey { case _0 = "step", _1 = "error" }

  /// The machine step, for ``took(_:_:)`` and ``refused(_:_:)``.
  public var step: MachineStep? {
    switch self {
    case .spawned: nil
    case .took(let step, _, _), .refused(let step, _): step
    }
  }

  /// The violations the event reported.
  public var violations: [Violation] {
    if case .took(_, _, let result) = self { result.violations } else { [] }
  }

  /// The CPU the event happened on or placed a thread on; nil for an injected allocation failure
  /// and for a refused step that names no CPU.
  public var cpu: CPUID? {
    switch self {
    case .spawned(_, let cpu): cpu
    case .took(_, let cpu, _): cpu
    case .refused(let step, _): step.cpu
    }
  }

  /// The thread the event names, if it names one.
  public var thread: ThreadID? {
    switch self {
    case .spawned(let thread, _): thread
    case .took(let step, _, _), .refused(let step, _): step.thread
    }
  }
}

/// Receives every event of a run of a ``Machine``: pass one to
/// ``Machine/apply(_:observedBy:)`` and ``Machine/spawn(credentials:on:observedBy:)``. A
/// generic parameter, so a run that observes nothing pays nothing.
public protocol MachineObserver {
  mutating func record(_ event: MachineEvent)
}

extension MachineStep {
  /// The CPU the step acts on; nil for steps named by thread and for an injected failure.
  public var cpu: CPUID? {
    switch self {
    case .contextSwitch(let cpu, _), .returnToUser(let cpu), .access(let cpu, _), .interruptFlag(let cpu, _),
      .vmExit(let cpu):
      cpu
    case .migrate(_, let cpu): cpu
    case .syscall, .ioWorker, .failNextAllocation: nil
    }
  }

  /// The thread the step names; nil for steps named by CPU (their thread is the CPU's current).
  public var thread: ThreadID? {
    switch self {
    case .syscall(let thread, _), .ioWorker(let thread, _), .migrate(let thread, _): thread
    case .contextSwitch(_, let next): next
    case .returnToUser, .access, .interruptFlag, .vmExit, .failNextAllocation: nil
    }
  }
}
