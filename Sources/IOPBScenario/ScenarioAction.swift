import IOPBCPU
import IOPBKernel

/// What a scenario step does. Threads are named as in the file.
public enum ScenarioAction: Sendable, Hashable, Codable {
  case process(name: String, cpu: CPUID, credentials: Credentials)
  case syscall(thread: String, ScenarioCall)
  /// A step of an I/O worker, in the kernel.
  case ioWorker(thread: String, ScenarioWorkerCall)
  case migrate(thread: String, cpu: CPUID)
  case access(thread: String, IOAccess)
  case interruptFlag(thread: String, InterruptFlagInstruction)
  case contextSwitch(cpu: CPUID, to: String?)
  case returnToUser(cpu: CPUID)
  case vmExit(cpu: CPUID)
  case failNextAllocation

  // Names for the unlabelled values in the Codable form.
  enum SyscallCodingKeys: String, CodingKey { case thread, _1 = "call" }
  enum IoWorkerCodingKeys: String, CodingKey { case thread, _1 = "call" }
  enum AccessCodingKeys: String, CodingKey { case thread, _1 = "access" }
  enum InterruptFlagCodingKeys: String, CodingKey { case thread, _1 = "instruction" }

  /// The thread that acts, for thread steps.
  public var actor: String? {
    switch self {
    case .syscall(let thread, _), .ioWorker(let thread, _), .migrate(let thread, _), .access(let thread, _),
      .interruptFlag(let thread, _):
      thread
    default: nil
    }
  }
}
