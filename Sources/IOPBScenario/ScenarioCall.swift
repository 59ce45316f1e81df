import IOPBCPU

/// A system call as a scenario names it; children are named, not numbered.
public enum ScenarioCall: Sendable, Hashable, Codable {
  case ioperm(from: UInt64, count: UInt64, turnOn: Bool)
  case iopl(level: UInt32)
  case fork(child: String, cpu: CPUID?)
  case thread(child: String, cpu: CPUID?)
  case exec
  case exit
  case setresuid(uid: UInt32)
  /// io_uring's `create_io_thread()` for the caller: a new I/O worker CHILD.
  case ioWorker(child: String, cpu: CPUID?)
}

/// What an I/O worker does in a scenario (`W: ioworker W2 [cpuN]`, `W: exit`).
public enum ScenarioWorkerCall: Sendable, Hashable, Codable {
  /// `create_io_thread()` from the worker: a new I/O worker CHILD.
  case ioWorker(child: String, cpu: CPUID?)
  case exit
}
