/// The cycles added per context switch, as counts of each distinct value: exact mean and
/// percentiles in memory that grows with the distinct costs (a few per design), not with the
/// switches, for replays of traces of any length.
struct CycleHistogram: Sendable {
  private var counts: [Double: Int] = [:]
  private(set) var total = 0
  /// A run of equal values not yet in ``counts``: consecutive switches mostly cost the same.
  private var run = (value: 0.0, count: 0)

  mutating func add(_ cycles: Double) {
    total += 1
    if cycles == run.value {
      run.count += 1
      return
    }
    flush()
    run = (cycles, 1)
  }

  private mutating func flush() {
    if run.count > 0 { counts[run.value, default: 0] += run.count }
    run.count = 0
  }

  /// The same figures ``SwitchStatistics/init(samples:)`` gives for the samples counted:
  /// mean, and nearest-rank p50 and p99.
  var statistics: SwitchStatistics {
    var statistics = SwitchStatistics(samples: [])
    guard total > 0 else { return statistics }
    var all = counts
    if run.count > 0 { all[run.value, default: 0] += run.count }
    let sorted = all.sorted { $0.key < $1.key }
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
