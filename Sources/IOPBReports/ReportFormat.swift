/// How a comparison is written out.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable {
  /// Aligned columns for people.
  case table
  /// Comma-separated values with a header line.
  case csv
  /// One JSON object, keys in a fixed order: byte-identical for the same inputs and seed.
  case json
}
