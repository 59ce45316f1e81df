
/// Prices ``OperationCounts`` in core cycles.
///
/// A value: a name, one ``CostFigure`` per ``CostKey`` and the ``CopyResidency`` that picks the
/// copy rate. The built-in profiles carry their sources (`costs.md` §4, §2); a profile file
/// (``CycleProfile/parse(_:source:base:)``) overrides any figure.
public struct CycleProfile: Sendable, Hashable {
  public var name: String
  public var figures: [CostKey: CostFigure]
  /// Which per-byte rate a copy pays: where its source bitmap is assumed to sit.
  public var residency: CopyResidency
  /// Where ``residency`` comes from.
  public var residencySource: String

  public init(
    name: String, figures: [CostKey: CostFigure], residency: CopyResidency, residencySource: String
  ) {
    self.name = name
    self.figures = figures
    self.residency = residency
    self.residencySource = residencySource
  }

  /// The value of `key`, 0 when the profile lacks it.
  public subscript(key: CostKey) -> Double { figures[key]?.value ?? 0 }

  /// Cycles per copied byte at the profile's residency.
  public var copyPerByte: Double { self[residency.perByteKey] }

  /// The cycles the counted operations cost: the bitmap work a strategy adds, never
  /// ``CostKey/switchBase`` (context switches and returns to user are events, not work).
  public func cycles(for counts: OperationCounts) -> Double {
    var total = 0.0
    total += Double(counts.copies) * self[.copyStartup] + Double(counts.bytesCopied) * copyPerByte
    total += Double(counts.fills) * self[.fillStartup] + Double(counts.bytesFilled) * self[.fillPerByte]
    total += Double(counts.mapBaseWrites) * self[.mapBaseWrite]
    total += Double(counts.descriptorWrites) * self[.descriptorWrite]
    total += Double(counts.gdtLoads) * self[.gdtLoad]
    total += Double(counts.taskRegisterLoads) * self[.taskRegisterLoad]
    total += Double(counts.pageInvalidations) * self[.pageInvalidation]
    total += Double(counts.tlbMisses) * self[.tlbMiss]
    total += Double(counts.pageTableWrites) * self[.pageTableWrite]
    total += Double(counts.hypercalls) * self[.hypercall]
    total += Double(counts.generalProtectionFixups) * self[.generalProtectionFixup]
    total += Double(counts.sequenceCompares) * self[.sequenceCompare]
    return total
  }

  /// The ``OperationCounts/fields`` names this profile prices; the rest are events.
  public static let pricedFieldNames: Set<String> = [
    "bytes_copied", "copies", "bytes_filled", "fills", "map_base_writes", "descriptor_writes", "lgdt", "ltr",
    "invlpg", "tlb_misses", "pte_writes", "hypercalls", "gp_fixups", "sequence_compares",
  ]

  /// Counted fields that are events rather than work, priced at nothing.
  public static let eventFieldNames: Set<String> = ["context_switches", "returns_to_user"]
}
