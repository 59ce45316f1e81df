import IOPBKernel
import IOPBMachine
import IOPBStrategies

/// What a step broke: the double check of an access or CLI, or invariants of the design or
/// the kernel, or the step could not be taken at all (a bug in the model).
public enum Finding: Sendable, Hashable {
  case violation(Violation)
  case invariants([InvariantViolation])
  case machineError(MachineError)

  /// One line, threads named as `name` gives them.
  public func description(naming name: (ThreadID) -> String) -> String {
    switch self {
    case .violation(let violation): violation.description(naming: name)
    case .invariants(let violations): "INVARIANT: " + violations.map { $0.description }.joined(separator: "; ")
    case .machineError(let error): "STEP FAILED: \(error.description(naming: name))"
    }
  }

  /// A short kind for tables and JSON: `leak`, `wrong-denial`, `interrupt-flag`, `invariant`,
  /// `step-failed`.
  public var kind: String {
    switch self {
    case .violation(let violation):
      switch violation.kind {
      case .leak: "leak"
      case .wrongDenial: "wrong-denial"
      case .interruptFlagChanged: "interrupt-flag"
      case .kernelFault: "kernel-fault"
      case .referenceDiverged: "reference-diverged"
      }
    case .invariants: "invariant"
    case .machineError: "step-failed"
    }
  }
}
