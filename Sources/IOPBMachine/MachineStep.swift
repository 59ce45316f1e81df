import IOPBCPU
import IOPBKernel

/// One explicit step of the machine.
public enum MachineStep: Sendable, Hashable, Codable, CustomStringConvertible {
  /// `thread`, running on its CPU, enters the kernel and makes a system call. It stays in the
  /// kernel until a ``returnToUser(cpu:)``.
  case syscall(ThreadID, Syscall)
  /// `__switch_to()` on `cpu` to `thread` (nil: idle). The incoming thread is in the kernel.
  case contextSwitch(cpu: CPUID, to: ThreadID?)
  /// The current thread of `cpu` returns to user mode (exit-to-user work runs).
  case returnToUser(cpu: CPUID)
  /// The current thread of `cpu`, in user mode, executes a port instruction.
  case access(cpu: CPUID, IOAccess)
  /// The current thread of `cpu`, in user mode, executes CLI or STI.
  case interruptFlag(cpu: CPUID, InterruptFlagInstruction)
  /// `thread` is moved to `cpu` (`sched_setaffinity`): if it runs elsewhere, that CPU switches
  /// to idle; it runs on `cpu` the next time it is scheduled there.
  case migrate(ThreadID, cpu: CPUID)
  /// A VM exit on `cpu` (KVM ran a guest in the current thread's context).
  case vmExit(cpu: CPUID)
  /// The next kernel allocation fails (fault injection).
  case failNextAllocation
  /// The I/O worker `thread`, current on its CPU and in the kernel (where it always is), acts as
  /// io-wq does: it starts another worker or exits.
  case ioWorker(ThreadID, IOWorkerAction)

  // Names for the unlabelled values in the Codable form.
  enum SyscallCodingKeys: String, CodingKey { case _0 = "thread", _1 = "call" }
  enum AccessCodingKeys: String, CodingKey { case cpu, _1 = "access" }
  enum InterruptFlagCodingKeys: String, CodingKey { case cpu, _1 = "instruction" }
  enum MigrateCodingKeys: String, CodingKey { case _0 = "thread", cpu }
  enum IoWorkerCodingKeys: String, CodingKey { case _0 = "thread", _1 = "action" }

  public var description: String { description(naming: \.description) }

  /// The step with each thread written as `name` gives it (a scenario's names, say).
  public func description(naming name: (ThreadID) -> String) -> String {
    switch self {
    case .syscall(let thread, let call): "\(name(thread)): \(call)"
    case .contextSwitch(let cpu, let thread): "\(cpu): switch to \(thread.map(name) ?? "idle")"
    case .returnToUser(let cpu): "\(cpu): return to user"
    case .access(let cpu, let access): "\(cpu): \(access)"
    case .interruptFlag(let cpu, let instruction): "\(cpu): \(instruction.rawValue)"
    case .migrate(let thread, let cpu): "\(name(thread)): migrate to \(cpu)"
    case .vmExit(let cpu): "\(cpu): VM exit"
    case .failNextAllocation: "fail next allocation"
    case .ioWorker(let thread, let action): "\(name(thread)): \(action)"
    }
  }
}

/// What an I/O worker does by itself, in the kernel.
public enum IOWorkerAction: Sendable, Hashable, Codable, CustomStringConvertible {
  /// `create_io_thread()` from the worker (io-wq's `create_io_worker()` runs in a worker's
  /// context too): another worker of the same process, placed on `cpu`.
  case createWorker(cpu: CPUID)
  /// The worker leaves `io_wq_worker()` and exits (`do_exit()` → `exit_thread()`).
  case exit

  public var description: String {
    switch self {
    case .createWorker(let cpu): "create_io_thread() → \(cpu)"
    case .exit: "exit()"
    }
  }
}
