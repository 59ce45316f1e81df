import IOPBCPU
import IOPBKernel

/// What a user port access did: the CPU's decision on the TSS bytes and the thread's entitlement.
public struct AccessOutcome: Sendable, Hashable, CustomStringConvertible {
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

/// What CLI or STI did in user mode.
public enum InterruptFlagOutcome: String, Sendable, Hashable {
  /// The CPU executed it: user space changed IF.
  case executed = "exec"
  /// #GP, and the kernel skipped the instruction (`fixup_iopl_exception()`).
  case skipped = "nop"
  /// #GP delivered as SIGSEGV.
  case faulted = "gp"
}

/// The result of one machine step.
public enum StepOutcome: Sendable, Hashable, CustomStringConvertible {
  /// A system call returned 0 or an errno; `created` is a new thread (fork, clone).
  case syscall(Errno?, created: ThreadID?)
  case access(AccessOutcome)
  case interruptFlag(InterruptFlagOutcome)
  /// A step without a user-visible result (switch, return to user, VM exit, injection).
  case done

  public var description: String {
    switch self {
    case .syscall(let errno, _): errno?.name ?? "ok"
    case .access(let outcome): outcome.description
    case .interruptFlag(let outcome): outcome.rawValue
    case .done: "done"
    }
  }
}
