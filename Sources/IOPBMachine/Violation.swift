import IOPBCPU
import IOPBKernel

/// A disagreement between what the CPU did and what the thread is entitled to.
public struct Violation: Sendable, Hashable, CustomStringConvertible {
  public enum Kind: Sendable, Hashable {
    /// The CPU allowed an access the thread is not entitled to: a port leaked to it.
    case leak(IOAccess, IOPermissionDecision)
    /// The CPU refused an access the thread is entitled to.
    case wrongDenial(IOAccess, IOPermissionDecision)
    /// User mode changed the interrupt flag.
    case interruptFlagChanged(InterruptFlagInstruction)
  }

  public var kind: Kind
  public var cpu: Int
  public var thread: ThreadID

  public var description: String { description(naming: \.description) }

  /// The violation with its thread written as `name` gives it.
  public func description(naming name: (ThreadID) -> String) -> String {
    let thread = name(self.thread)
    return switch kind {
    case .leak(let access, let decision):
      "LEAK: \(thread) on cpu\(cpu) \(access) \(decision) but the task is not entitled"
    case .wrongDenial(let access, let decision):
      "WRONG DENIAL: \(thread) on cpu\(cpu) \(access) \(decision) but the task is entitled"
    case .interruptFlagChanged(let instruction):
      "IF CHANGED: \(thread) on cpu\(cpu) executed \(instruction.rawValue) in user mode"
    }
  }
}
