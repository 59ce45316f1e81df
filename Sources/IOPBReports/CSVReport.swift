import IOPBSimulator

/// A comparison as comma-separated values quoted as RFC 4180 says, one header line then one
/// line per row, lines ended by LF (not RFC 4180's CRLF).
struct CSVReport {
  let comparison: Comparison

  init(_ comparison: Comparison) { self.comparison = comparison }

  var text: String {
    let lines = [ReportColumns.names] + comparison.rows.map(ReportColumns.cells)
    return lines.map { $0.map(Self.escape).joined(separator: ",") }.joined(separator: "\n")
  }

  static func escape(_ cell: String) -> String {
    guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return cell }
    return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}

extension String {
  fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
