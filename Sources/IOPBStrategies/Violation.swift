import IOPBCPU
import IOPBKernel

/// A failure of the double check: what the CPU did to a thread in user mode on a CPU, against
/// what Linux ≥ 5.5 entitles the thread to (invariant I5 of the reference §4.3).
///
/// The machine reports these; a strategy judges whether a limitation it declares explains one
/// (``SwitchStrategy/limitationExplains(_:kernel:state:)``).
public struct Violation: Sendable, Hashable, CustomStringConvertible {
  public enum Kind: Sendable, Hashable {
    /// The CPU allowed an access the thread is not entitled to: a port leaked to it.
    case leak(IOAccess, IOPermissionDecision)
    /// The CPU refused an access the thread is entitled to.
    case wrongDenial(IOAccess, IOPermissionDecision)
    /// User mode executed CLI or STI: it changed the interrupt flag.
    case interruptFlagChanged(InterruptFlagInstruction)
  }

  public var kind: Kind
  public var cpu: CPUID
  public var thread: ThreadID

  public init(_ kind: Kind, cpu: CPUID, thread: ThreadID) {
    self.kind = kind
    self.cpu = cpu
    self.thread = thread
  }

  /// The port byte addresses of the access; nil for CLI/STI.
  public var ports: ClosedRange<Int>? {
    switch kind {
    case .leak(let access, _), .wrongDenial(let access, _): access.ports
    case .interruptFlagChanged: nil
    }
  }

  /// True for ``Kind/leak(_:_:)``.
  public var isLeak: Bool {
    if case .leak = kind { true } else { false }
  }

  public var description: String { description(naming: \.description) }

  /// The violation with its thread written as `name` gives it.
  public func description(naming name: (ThreadID) -> String) -> String {
    let thread = name(self.thread)
    return switch kind {
    case .leak(let access, let decision):
      "LEAK: \(thread) on \(cpu) \(access) \(decision) but the thread is not entitled"
    case .wrongDenial(let access, let decision):
      "WRONG DENIAL: \(thread) on \(cpu) \(access) \(decision) but the thread is entitled"
    case .interruptFlagChanged(let instruction):
      "IF CHANGED: \(thread) on \(cpu) executed \(instruction.rawValue) in user mode"
    }
  }
}
