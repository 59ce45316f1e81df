import IOPBCPU
import IOPBKernel

/// Everything that decides a machine's future: kernel, reference kernel, strategy state, CPUs,
/// placement; not the operations counted so far. Cheap to copy (arrays share storage until
/// written), compare and hash.
public struct MachineState<StrategyState: Sendable & Hashable>: Sendable, Hashable {
  public var kernel: Kernel
  /// The kernel without ``kernel``'s deviations, taking the same steps, which the double check's
  /// entitlement comes from; nil when the kernel has no deviation, and from the step where the
  /// two stopped creating the same threads (``IOPBStrategies/Violation/Kind/referenceDiverged(created:referenceCreated:)``).
  public var reference: Kernel?
  public var strategy: StrategyState
  public var cpus: PerCPU<CPUSlot>
  /// The CPU each thread (by ``ThreadID/rawValue``) is placed on: where it runs when scheduled.
  public var homeCPU: [CPUID]
}
