import IOPBSimulator
import IOPBText

/// A comparison as aligned text columns (``TextTable``: names left, figures right), every count
/// of every run (`iopb compare --wide`), with the profile named above and a legend below.
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
    var lines = [ProfileHeading(profile: comparison.profile, seed: comparison.seed).text]
    lines += table.lines
    lines.append(
      "mean/p50/p99: cycles the strategy adds per context switch; bytes, fill, invlpg, ltr: per switch; "
        + "syscall: cycles inside ioperm/iopl/fork/exit over the run; ratio: (switch.base + mean) / cheapest clean run; "
        + "limit: a limitation the strategy declares explains every violation (a run stops at its first violation)")
    return lines.joined(separator: "\n")
  }
}
