
/// Prices ``OperationCounts`` in core cycles.
///
/// A value: a name, one ``CostFigure`` per ``CostKey``, and optionally one ``CopyResidency``
/// that every copy pays; without it, the caller says where each copy's source sits (the
/// simulator infers it per copy from the cache sizes and the work on the CPU). The built-in profiles carry their sources (`costs.md` §4, §2); a profile file
/// (``CycleProfile/parse(_:source:base:)``) overrides any figure.
public struct CycleProfile: Sendable, Hashable, Codable {
  public var name: String
  public var figures: [CostKey: CostFigure]
  /// The per-byte rate every copy pays, whatever the workload; nil (`auto`) to price each copy
  /// at the residency the caller infers for it.
  public var residency: CopyResidency?
  /// Where ``residency`` comes from.
  public var residencySource: String

  public init(
    name: String, figures: [CostKey: CostFigure], residency: CopyResidency?, residencySource: String
  ) {
    self.name = name
    self.figures = figures
    self.residency = residency
    self.residencySource = residencySource
  }

  /// The value of `key`, 0 when the profile lacks it.
  public subscript(key: CostKey) -> Double { figures[key]?.value ?? 0 }

  /// Cycles per copied byte for a source at `inferred`, unless the profile forces a residency.
  public func copyPerByte(from inferred: CopyResidency) -> Double {
    self[(residency ?? inferred).perByteKey]
  }

  /// Where a copy whose source the caller infers at `inferred` is priced.
  public func pricedResidency(_ inferred: CopyResidency) -> CopyResidency { residency ?? inferred }

  /// The cycles the counted operations cost when their copies read a source at `residency`
  /// (unless the profile forces one): the bitmap work a strategy adds, never
  /// ``CostKey/switchBase`` (context switches and returns to user are events, not work).
  public func cycles(for counts: OperationCounts, copiesFrom residency: CopyResidency) -> Double {
    CyclePrices(self).cycles(for: counts, copiesFrom: residency)
  }

  /// The ``OperationCounts/fields`` names this profile prices; the rest are events.
  public static let pricedFieldNames: Set<String> = [
    "bytes_copied", "copies", "bytes_filled", "fills", "map_base_writes", "descriptor_writes", "lgdt", "ltr",
    "invlpg", "tlb_misses", "pte_writes", "hypercalls", "gp_fixups", "sequence_compares",
    "ipis", "port_invocations",
  ]

  /// Counted fields that are events rather than work, priced at nothing.
  public static let eventFieldNames: Set<String> = ["context_switches", "returns_to_user"]
}
