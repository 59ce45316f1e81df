/// What CLI or STI did in user mode.
public enum InterruptFlagOutcome: String, Sendable, Hashable, Codable {
  /// The CPU executed it: user space changed IF.
  case executed = "exec"
  /// #GP, and the kernel skipped the instruction (`fixup_iopl_exception()`).
  case skipped = "nop"
  /// #GP delivered as SIGSEGV.
  case faulted = "gp"
}
