import IOPBCPU

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
  public var description: String { allowed ? "allow" : "deny" }
}
