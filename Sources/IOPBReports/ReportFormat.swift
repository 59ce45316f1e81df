/// How a comparison is written out.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable {
  /// Aligned columns for people.
  case table
  /// Comma-separated values with a header line.
  case csv
  /// One JSON object, keys in a fixed order: byte-identical for the same inputs and seed.
  case json
}

/// How `iopb run` writes its scenario runs.
public enum RunReportFormat: String, Sendable, Hashable, CaseIterable {
  /// Each step with its outcome, failures and violations marked (``ScenarioRunReport``).
  case text
  /// One JSON array of the runs' `Codable` encoding (`docs/schema/scenario-runs.schema.json`).
  case json
}
