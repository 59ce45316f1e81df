import IOPBCost

/// What a run's switches did, kept so that any profile can price it without running again.
///
/// The added cycles of a switch are linear in the counted operations (``CycleProfile/cycles(for:copiesFrom:)``),
/// and the engine prices each switch's copies at the residency it infers for them; so the mean
/// over a run is the counts summed over its switches, with copied bytes split by inferred
/// residency, priced once and divided by the switches. That is exact for every figure but the
/// cache sizes, which change the inference itself (``SweepParameter/changesRun``).
public struct SwitchCosting: Sendable, Hashable {
  public var switches: Int
  /// Every operation of the run's switches, summed.
  public var counts: OperationCounts
  /// ``counts``' copied bytes by the residency the engine inferred for their source.
  public var bytesByInferredResidency: [CopyResidency: Int]

  /// The costing of `result`, which must come from a profile without a forced residency
  /// (``SimulationResult/copyBytesByResidency`` is then keyed by the inferred one).
  public init(inferredRun result: SimulationResult) {
    switches = result.switches
    counts = result.switchCounts
    bytesByInferredResidency = result.copyBytesByResidency
  }

  /// Mean cycles added per switch under `profile` (0 without switches).
  public func meanCycles(under profile: CycleProfile) -> Double {
    guard switches > 0 else { return 0 }
    var withoutBytes = counts
    withoutBytes.bytesCopied = 0
    var total = profile.cycles(for: withoutBytes, copiesFrom: .l1)
    for residency in CopyResidency.allCases {
      total += Double(bytesByInferredResidency[residency] ?? 0) * profile.copyPerByte(from: residency)
    }
    return total / Double(switches)
  }
}
