/// Where the source of a bitmap copy sits when the copy starts, which picks the per-byte rate.
public enum CopyResidency: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable, Comparable {
  /// In L1: the same bitmap was copied moments ago.
  case l1
  /// In L2: the bitmap's thread ran recently but another thread has used L1 since.
  case l2
  /// In L3 or DRAM: the 2004 reality (costs.md §2: ≈ 8000 cycles per 8 KiB).
  case cold

  /// The profile key holding the per-byte rate for this residency.
  public var perByteKey: CostKey {
    switch self {
    case .l1: .copyPerByteL1
    case .l2: .copyPerByteL2
    case .cold: .copyPerByteCold
    }
  }

  /// Warmer before colder: L1, L2, cold.
  public static func < (lhs: Self, rhs: Self) -> Bool {
    allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
  }
}
