import IOPBSimulator

extension Comparison {
  /// The comparison written in `format`.
  public func rendered(as format: ReportFormat) -> String {
    switch format {
    case .table: TableReport(self).text
    case .csv: CSVReport(self).text
    case .json: JSONReport(self).text
    }
  }
}
