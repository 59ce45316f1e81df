import Foundation

/// The model checker's mutant results as the report shows them, read from a saved
/// `iopb check --mutants --format json` (schema `iopb-check-mutants/1`, docs/checker.md): the
/// checker's own run takes minutes, so the report reads its output rather than running it.
public struct CheckerSummary: Sendable, Hashable {
  /// One catalogued mutant.
  public struct Row: Sendable, Hashable {
    public var mutant: String
    public var design: String
    public var summary: String
    public var source: String
    /// `caught` or `unreachable`: what the catalogue expects.
    public var expected: String
    /// What the checker did: `caught`, `NOT CAUGHT`, `unreachable`, `REACHED`, `stopped (…)`.
    public var outcome: String
    public var metExpectation: Bool
    /// The checker's conclusion, e.g. the violation and its length.
    public var conclusion: String
  }

  /// The file it was read from.
  public var file: String
  /// The bounds of the run (its first mutant's).
  public var bounds: String
  public var passed: Bool
  public var rows: [Row]

  /// Reads `data`, the contents of `file`.
  ///
  /// - Throws: ``CheckerSummaryError`` naming the file and what is missing.
  public static func parse(_ data: Data, file: String) throws(CheckerSummaryError) -> CheckerSummary {
    func fail(_ message: String) -> CheckerSummaryError { CheckerSummaryError(file: file, message: message) }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw fail("not a JSON object")
    }
    guard object["schema"] as? String == "iopb-check-mutants/1" else {
      throw fail("schema is not iopb-check-mutants/1 (write it with iopb check --mutants --format json)")
    }
    guard let passed = object["passed"] as? Bool, let mutants = object["mutants"] as? [[String: Any]] else {
      throw fail("'passed' or 'mutants' is missing")
    }
    var rows: [Row] = []
    var bounds = ""
    for (index, mutant) in mutants.enumerated() {
      guard let name = mutant["name"] as? String, let design = mutant["design"] as? String,
        let expected = mutant["expected"] as? String, let outcome = mutant["outcome"] as? String,
        let met = mutant["met_expectation"] as? Bool
      else { throw fail("mutant \(index + 1) lacks name, design, expected, outcome or met_expectation") }
      let result = mutant["result"] as? [String: Any]
      if bounds.isEmpty, let summary = (result?["bounds"] as? [String: Any])?["summary"] as? String { bounds = summary }
      let deviations = (mutant["deviations"] as? [String] ?? []).map { " +" + $0 }.joined()
      rows.append(
        Row(
          mutant: name, design: design + deviations, summary: mutant["summary"] as? String ?? "",
          source: mutant["source"] as? String ?? "", expected: expected, outcome: outcome, metExpectation: met,
          conclusion: result?["conclusion"] as? String ?? ""))
    }
    return CheckerSummary(file: file, bounds: bounds, passed: passed, rows: rows)
  }
}

/// A saved checker result the report cannot read.
public struct CheckerSummaryError: Error, Sendable, Hashable, CustomStringConvertible {
  public var file: String
  public var message: String

  /// `FILE: what is wrong`.
  public var description: String { "\(file): \(message)" }
}
