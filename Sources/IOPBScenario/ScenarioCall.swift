import IOPBCPU

/// A system call as a scenario names it; children are named, not numbered.
public enum ScenarioCall: Sendable, Hashable {
  case ioperm(from: UInt64, count: UInt64, turnOn: Bool)
  case iopl(level: UInt32)
  case fork(child: String, cpu: CPUID?)
  case thread(child: String, cpu: CPUID?)
  case exec
  case exit
  case setresuid(uid: UInt32)
}
