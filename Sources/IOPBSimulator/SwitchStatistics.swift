/// Mean and percentiles of the cycles added per context switch.
public struct SwitchStatistics: Sendable, Hashable, Codable {
  public var count: Int
  public var mean: Double
  /// Nearest-rank percentiles.
  public var p50: Double
  public var p99: Double

  /// The statistics of `samples`; all zero when there are none.
  public init(samples: [Double]) {
    count = samples.count
    guard !samples.isEmpty else {
      mean = 0
      p50 = 0
      p99 = 0
      return
    }
    let sorted = samples.sorted()
    mean = sorted.reduce(0, +) / Double(sorted.count)
    p50 = Self.percentile(50, of: sorted)
    p99 = Self.percentile(99, of: sorted)
  }

  static func percentile(_ percent: Int, of sorted: [Double]) -> Double {
    let rank = (percent * sorted.count + 99) / 100
    return sorted[max(0, min(sorted.count - 1, rank - 1))]
  }
}
