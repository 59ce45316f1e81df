import IOPBCost
import IOPBSimulator
import IOPBText

/// A comparison as one short table per workload, its strategies ranked by the cycles they add to
/// a context switch: what `iopb compare` prints by default, within 100 columns. Clean runs
/// come first, cheapest first; runs that stopped at a violation or failed follow, their figures
/// covering only the switches before it. ``TableReport`` has every count.
struct RankedReport {
  let comparison: Comparison

  init(_ comparison: Comparison) { self.comparison = comparison }

  static let headers = ["#", "strategy", "cycles/sw", "p99", "ns/sw", "ratio", "bytes/sw", "kpti", "violations"]

  /// `rows` in report order: clean runs by mean added cycles, then the others likewise; ties
  /// keep the order given.
  static func ranked(_ rows: [ComparisonRow]) -> [ComparisonRow] {
    rows.enumerated().sorted { left, right in
      let (a, b) = (left.element, right.element)
      if a.isClean != b.isClean { return a.isClean }
      if a.statistics.mean != b.statistics.mean { return a.statistics.mean < b.statistics.mean }
      return left.offset < right.offset
    }.map(\.element)
  }

  var text: String {
    let profile = comparison.profile
    let ghz = profile[.clockGHz]
    var lines = [ProfileHeading(profile: profile, seed: comparison.seed).text]
    var workloads: [String] = []
    for row in comparison.rows where !workloads.contains(row.workload) { workloads.append(row.workload) }
    for workload in workloads {
      let group = comparison.rows.filter { $0.workload == workload }
      let switches = group.map(\.switches).max() ?? 0
      lines += ["", "\(workload): \(switches) switches"]
      let cells = Self.ranked(group).enumerated().map { rank, row in
        [
          row.isClean ? String(rank + 1) : "-", row.strategy,
          FixedPoint.format(row.statistics.mean, digits: 1), FixedPoint.format(row.statistics.p99, digits: 1),
          ghz > 0 ? FixedPoint.format(row.statistics.mean / ghz, digits: 1) : "-",
          row.ratioToCheapest.map { FixedPoint.format($0, digits: 2) } ?? "-",
          FixedPoint.format(row.bytesCopiedPerSwitch + row.bytesFilledPerSwitch, digits: 0),
          row.kptiText, Self.violationCell(row),
        ]
      }
      let table = TextTable(
        columns: [.right, .left, .right, .right, .right, .right, .right, .left, .left],
        rows: [Self.headers] + cells)
      lines += table.lines.map { "  " + $0 }
    }
    lines += [""] + Self.legend(clockGHz: ghz)
    return lines.joined(separator: "\n")
  }

  /// `0`; the count and `declared` when the strategy's limitations explain every one;
  /// `unexplained` otherwise; `failed` for a run that failed; `partial` appended for a run cut
  /// at its event bound.
  static func violationCell(_ row: ComparisonRow) -> String {
    var cell =
      if row.failure != nil { "failed" } else if row.violations.isEmpty { "0" } else if row.isUnexpectedFailure {
        "\(row.violations.count) unexplained"
      } else { "\(row.violations.count) declared" }
    if row.partial { cell += " partial" }
    return cell
  }

  static func legend(clockGHz: Double) -> [String] {
    [
      "cycles/sw, p99: cycles the strategy adds to a context switch (mean, 99th percentile); ns/sw: the",
      "mean at \(FixedPoint.format(clockGHz, digits: 2)) GHz (clock.ghz); ratio: (switch.base + mean) over the cheapest clean run's;",
      "bytes/sw: TSS bytes copied or filled per switch; violations: `declared` when a limitation of the",
      "strategy explains them (a run stops at its first). `iopb compare --wide` prints every count.",
    ]
  }
}
