import IOPBSimulator
import IOPBText

/// A comparison as aligned text columns (``TextTable``: names left, figures right), with the
/// profile named above and a legend below.
struct TableReport {
  let comparison: Comparison

  init(_ comparison: Comparison) { self.comparison = comparison }

  static let headers = [
    "workload", "strategy", "switches", "mean", "p50", "p99", "bytes/sw", "fill/sw", "invlpg/sw",
    "ltr/sw", "syscall", "ratio", "kpti", "violations", "limit", "partial",
  ]

  var text: String {
    let rows = comparison.rows.map { ReportColumns.cells($0).map { $0.isEmpty ? "-" : $0 } }
    // Workload and strategy names to the left, every figure to the right.
    let table = TextTable(
      columns: [.left, .left] + Array(repeating: .right, count: Self.headers.count - 2),
      rows: [Self.headers] + rows)
    let profile = comparison.profile
    var lines = [
      "profile \(profile.name): switch.base \(FixedPoint.format(profile[.switchBase], digits: 0)) cycles, copy source \(profile.residency.map { "in \($0.rawValue)" } ?? "inferred per copy (L1 \(FixedPoint.format(profile[.cacheL1Bytes], digits: 0)) B, L2 \(FixedPoint.format(profile[.cacheL2Bytes], digits: 0)) B)")"
    ]
    if let seed = comparison.seed { lines[0] += ", seed \(seed)" }
    lines += table.lines
    lines.append(
      "mean/p50/p99: cycles the strategy adds per context switch; bytes, fill, invlpg, ltr: per switch; "
        + "syscall: cycles inside ioperm/iopl/fork/exit over the run; ratio: (switch.base + mean) / cheapest clean run; "
        + "limit: a limitation the strategy declares explains every violation (a run stops at its first violation)")
    return lines.joined(separator: "\n")
  }
}
