import IOPBCPU
import IOPBKernel
import IOPBStrategies

/// What a user port access did: the CPU's decision on the TSS bytes and the thread's entitlement.
public struct AccessOutcome: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The CPU's decision, after any in-kernel #GP fixup restarted the instruction.
  public var decision: IOPermissionDecision
  /// Whether Linux semantics entitle the thread to the access (I5).
  public var entitled: Bool
  /// True when a lazy design took a #GP, fixed the TSS and restarted the instruction.
  public var restarted: Bool

  public init(decision: IOPermissionDecision, entitled: Bool, restarted: Bool = false) {
    self.decision = decision
    self.entitled = entitled
    self.restarted = restarted
  }

  public var allowed: Bool { decision.isAllowed }

  /// The double check failed: the CPU's decision differs from the entitlement.
  public var violates: Bool { decision.isAllowed != entitled }

  /// The violation of `access` by `thread` on `cpu` this outcome is, if it ``violates``: a
  /// leak when the CPU allowed it, a wrong denial when it refused.
  public func violation(of access: IOAccess, by thread: ThreadID?, on cpu: CPUID) -> Violation? {
    guard violates, let thread else { return nil }
    return Violation(
      decision.isAllowed ? .leak(access, decision) : .wrongDenial(access, decision), cpu: cpu, thread: thread)
  }

  public var description: String { allowed ? "allow" : "deny" }
}
