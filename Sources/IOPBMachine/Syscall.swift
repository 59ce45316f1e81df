import IOPBCPU
import IOPBKernel

/// The system calls the machine models, with their arguments as user space passes them.
public enum Syscall: Sendable, Hashable, CustomStringConvertible {
  /// `ioperm(from, num, turn_on)`; `from` and `num` are `unsigned long`.
  case ioperm(from: UInt64, count: UInt64, turnOn: Bool)
  /// `iopl(level)`; `level` is `unsigned int`.
  case iopl(level: UInt32)
  /// `fork()`; the child is placed on `cpu`, runnable but not running.
  case fork(cpu: CPUID)
  /// `clone(CLONE_THREAD)`; the new thread is placed on `cpu`.
  case thread(cpu: CPUID)
  /// `execve()`.
  case exec
  /// `exit()` of the calling thread (SYS_exit, not exit_group).
  case exit
  /// `setresuid(uid, uid, uid)` as the raw system call.
  case setresuid(uid: UInt32)

  public var description: String {
    switch self {
    case .ioperm(let from, let count, let on):
      "ioperm(0x\(String(from, radix: 16)), \(count), \(on ? 1 : 0))"
    case .iopl(let level): "iopl(\(level))"
    case .fork(let cpu): "fork() → \(cpu)"
    case .thread(let cpu): "clone(CLONE_THREAD) → \(cpu)"
    case .exec: "execve()"
    case .exit: "exit()"
    case .setresuid(let uid): "setresuid(\(uid), \(uid), \(uid))"
    }
  }
}
