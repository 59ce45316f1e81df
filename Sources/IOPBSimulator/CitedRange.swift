import IOPBCost

/// The range `costs.md` §4 ("Suggested simulator parameters") cites for a figure, with its
/// basis: what a sweep covers by default and what the report shades as uncertainty.
public struct CitedRange: Sendable, Hashable {
  public var key: CostKey
  /// Lowest and highest cited value, in the key's unit.
  public var low: Double
  public var high: Double
  /// The default sweep's step between them.
  public var step: Double
  /// Where the range comes from, as costs.md cites it.
  public var source: String

  /// The cited ranges, by key.
  public static let all: [CostKey: CitedRange] = [
    .pageInvalidation: CitedRange(
      key: .pageInvalidation, low: 200, high: 880, step: 40,
      source: "costs.md §4/§3.2: INVLPG 216 (Haswell) and 232 (Westmere), Hansen 2015 [A]; ~200 (Skylake), Hansen 2017 [A]; 237 cache-hot to 883 cache-cold, Molnar 2015 [B]"),
    .taskRegisterLoad: CitedRange(
      key: .taskRegisterLoad, low: 20, high: 300, step: 20,
      source: "costs.md §4/§3.1: LTR with the GDT busy-bit clear, an estimate of 20 to 300 cycles; no modern measurement was found [C]"),
    .copyPerByteCold: CitedRange(
      key: .copyPerByteCold, low: 0.3, high: 1.5, step: 0.1,
      source: "costs.md §4: cold copy source (L3 or DRAM), 0.3 to 1.5 cycles per byte, from Molnar 2004's ≈ 8000 cycles per 8 KiB [B/C]"),
    .tlbMiss: CitedRange(
      key: .tlbMiss, low: 10, high: 40, step: 5,
      source: "costs.md §4/§3.3: STLB miss with paging structures cached, 10 to 40 cycles [B]"),
    .generalProtectionFixup: CitedRange(
      key: .generalProtectionFixup, low: 300, high: 1500, step: 100,
      source: "costs.md §4/§3.4, §3.7: kernel #GP fixup, 300 to 1500 cycles, from the interrupt-gate round trip [C]"),
  ]

  /// `LOW...HIGH:STEP`, as `--axis` takes it.
  public var specification: String {
    "\(SweepValue.format(low))...\(SweepValue.format(high)):\(SweepValue.format(step))"
  }
}
