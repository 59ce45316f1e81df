import IOPBCPU
import IOPBKernel

/// The places a step (or a run of steps) may have changed, where an incremental invariant
/// check looks: CPUs whose TSS or bookkeeping a hook may have written or whose current thread
/// changed, and threads whose kernel or design state may have changed (``Machine`` gathers
/// them, with the holders of every bitmap whose contents changed).
public struct InvariantScope: Sendable, Hashable {
  /// The CPUs in scope; nil for every CPU.
  public var cpus: Set<CPUID>?
  /// The threads in scope; nil for every thread.
  public var threads: Set<ThreadID>?

  public init(cpus: Set<CPUID>?, threads: Set<ThreadID>?) {
    self.cpus = cpus
    self.threads = threads
  }

  /// Every CPU and thread: the full check.
  public static let everything = InvariantScope(cpus: nil, threads: nil)

  public func contains(_ cpu: CPUID) -> Bool { cpus?.contains(cpu) ?? true }

  public func contains(_ thread: ThreadID) -> Bool { threads?.contains(thread) ?? true }
}
