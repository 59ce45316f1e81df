import IOPBSimulator
import IOPBText

/// The columns every format shares, in order, with their cells formatted once.
struct ReportColumns {
  static let names = [
    "workload", "strategy", "switches", "mean_cycles", "p50_cycles", "p99_cycles",
    "bytes_copied_per_switch", "bytes_filled_per_switch", "invlpg_per_switch", "ltr_per_switch",
    "syscall_cycles", "ratio_to_cheapest", "valid_under_kpti", "violations", "declared_limitation",
    "partial",
  ]

  /// The cells of `row`, as text, in ``names`` order.
  static func cells(_ row: ComparisonRow) -> [String] {
    [
      row.workload, row.strategy, String(row.switches),
      FixedPoint.format(row.statistics.mean, digits: 1), FixedPoint.format(row.statistics.p50, digits: 1),
      FixedPoint.format(row.statistics.p99, digits: 1), FixedPoint.format(row.bytesCopiedPerSwitch, digits: 1),
      FixedPoint.format(row.bytesFilledPerSwitch, digits: 1), FixedPoint.format(row.invalidationsPerSwitch, digits: 3),
      FixedPoint.format(row.taskRegisterLoadsPerSwitch, digits: 3), FixedPoint.format(row.syscallCycles, digits: 0),
      row.ratioToCheapest.map { FixedPoint.format($0, digits: 3) } ?? "", row.kptiText,
      String(row.problemCount), row.problemCount > 0 && !row.isUnexpectedFailure ? "yes" : "no",
      row.partial ? "yes" : "no",
    ]
  }
}
