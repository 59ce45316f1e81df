/// The cycles added per context switch, as counts of each distinct value: exact mean and
/// percentiles in memory that grows with the distinct costs (a few per design), not with the
/// switches, for replays of traces of any length.
struct CycleHistogram: Sendable, Hashable {
  private(set) var counts: [Double: Int] = [:]
  private(set) var total = 0

  mutating func add(_ cycles: Double) {
    counts[cycles, default: 0] += 1
    total += 1
  }

  /// The same figures ``SwitchStatistics/init(samples:)`` gives for the samples counted:
  /// mean, and nearest-rank p50 and p99.
  var statistics: SwitchStatistics {
    var statistics = SwitchStatistics(samples: [])
    guard total > 0 else { return statistics }
    let sorted = counts.sorted { $0.key < $1.key }
    var sum = 0.0
    for (value, count) in sorted { sum += value * Double(count) }
    statistics.count = total
    statistics.mean = sum / Double(total)
    statistics.p50 = percentile(50, of: sorted)
    statistics.p99 = percentile(99, of: sorted)
    return statistics
  }

  private func percentile(_ percent: Int, of sorted: [(key: Double, value: Int)]) -> Double {
    let rank = max(1, (percent * total + 99) / 100)
    var seen = 0
    for (value, count) in sorted {
      seen += count
      if seen >= rank { return value }
    }
    return sorted.last?.key ?? 0
  }
}
