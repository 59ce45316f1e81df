import IOPBCPU
import IOPBKernel

/// The system calls the machine models, with their arguments as user space passes them.
public enum Syscall: Sendable, Hashable, Codable, CustomStringConvertible {
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
  /// io_uring (`io_uring_setup()`, or `io_uring_enter()` queueing work) starting an I/O worker
  /// for the caller with `create_io_thread()`: a thread of the caller's process that stays in
  /// the kernel (``IOPBKernel/KernelThread/isIOWorker``), placed on `cpu`.
  case ioWorker(cpu: CPUID)

  /// The CPU the call places the thread it creates on.
  public var placement: CPUID? {
    switch self {
    case .fork(let cpu), .thread(let cpu), .ioWorker(let cpu): cpu
    case .ioperm, .iopl, .exec, .exit, .setresuid: nil
    }
  }

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
    case .ioWorker(let cpu): "create_io_thread() → \(cpu)"
    }
  }
}
