import IOPBSimulator

extension Comparison {
  /// The comparison written in `format`; with `wide`, the table has every count of every run
  /// (``TableReport``) instead of each workload's ranking (``RankedReport``).
  public func rendered(as format: ReportFormat, wide: Bool = false) -> String {
    switch format {
    case .table: wide ? TableReport(self).text : RankedReport(self).text
    case .csv: CSVReport(self).text
    case .json: JSONReport(self).text
    }
  }
}
