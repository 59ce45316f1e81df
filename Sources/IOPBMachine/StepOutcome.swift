import IOPBKernel

/// The result of one machine step.
public enum StepOutcome: Sendable, Hashable, Codable, CustomStringConvertible {
  /// A system call, or an I/O worker's `create_io_thread()`, returned 0 or an errno; `created`
  /// is a new thread (fork, clone, I/O worker).
  case syscall(Errno?, created: ThreadID?)
  case access(AccessOutcome)
  case interruptFlag(InterruptFlagOutcome)
  /// A step without a user-visible result (switch, return to user, VM exit, injection).
  case done

  // Names for the unlabelled values in the Codable form.
  enum SyscallCodingKeys: String, CodingKey { case _0 = "errno", created }
  enum AccessCodingKeys: String, CodingKey { case _0 = "outcome" }
  enum InterruptFlagCodingKeys: String, CodingKey { case _0 = "outcome" }

  public var description: String {
    switch self {
    case .syscall(let errno, _): errno?.name ?? "ok"
    case .access(let outcome): outcome.description
    case .interruptFlag(let outcome): outcome.rawValue
    case .done: "done"
    }
  }
}
