import IOPBMachine
import IOPBStrategies
import IOPBText

/// `iopb check --mutants`: every catalogued mutant (``MutantCatalog``) explored within the same
/// bounds, and whether the checker met its expectation: a counterexample for a mutant that
/// must be caught, none for code that must stay unreachable.
public struct MutantRun: Sendable {
  /// One mutant's outcome.
  public struct Row: Sendable {
    public var mutant: Mutant
    public var result: CheckResult

    /// True when the checker did what the catalogue expects of it.
    public var metExpectation: Bool {
      switch mutant.expectation {
      case .caught: result.verdict == .violation
      case .unreachable: result.verdict == .noViolation
      }
    }

    /// `caught`, `NOT CAUGHT`, `unreachable` (nothing found within the bounds), `REACHED`, or
    /// `stopped` (a bound on the run ended it first).
    public var outcome: String {
      switch (mutant.expectation, result.verdict) {
      case (.caught, .violation): "caught"
      case (.caught, .noViolation): "NOT CAUGHT"
      case (.unreachable, .noViolation): "unreachable"
      case (.unreachable, .violation): "REACHED"
      case (_, .stopped(let reason)): "stopped (\(reason.rawValue))"
      }
    }
  }

  public var rows: [Row] = []

  public init() {}

  /// Runs every mutant of `mutants` with `configuration` plus the mutant's deviations;
  /// `progress` gets the mutant's name before each run.
  public static func run(
    _ mutants: [Mutant] = MutantCatalog.all, configuration: CheckConfiguration,
    progress: (@Sendable (String) -> Void)? = nil
  ) async -> MutantRun {
    var run = MutantRun()
    for mutant in mutants {
      progress?(mutant.name)
      var bounds = configuration
      bounds.deviations.formUnion(mutant.deviations)
      let result = await bounds.check(mutant.strategy)
      run.rows.append(Row(mutant: mutant, result: result))
    }
    return run
  }

  /// True when every mutant met its expectation.
  public var passed: Bool { rows.allSatisfy(\.metExpectation) }

  /// The table: mutant, design, expected, outcome, what broke, counterexample length, states,
  /// and with `measurements` the time.
  public func text(measurements: Bool = true) -> String {
    var table = TextTable(columns: [.left, .left, .left, .left, .left, .right, .right, .right])
    table.rows.append(["mutant", "design", "expected", "outcome", "finding", "steps", "states", measurements ? "seconds" : ""])
    for row in rows {
      let counterexample = row.result.counterexample
      table.rows.append([
        row.mutant.name,
        row.mutant.strategy.name + row.mutant.deviations.map(\.rawValue).sorted().map { " +" + $0 }.joined(),
        row.mutant.expectation.rawValue, row.outcome, counterexample?.finding.kind ?? "-",
        counterexample.map { String($0.steps.count) } ?? "-", String(row.result.states),
        measurements ? String(format: "%.1f", row.result.seconds) : "",
      ])
    }
    let bounds = rows.first?.result.configuration.summary ?? ""
    let verdict =
      passed
      ? "every mutant met its expectation"
      : "\(rows.filter { !$0.metExpectation }.count) of \(rows.count) mutants did not meet their expectation"
    return (["iopb check --mutants: \(bounds)"] + table.lines + [verdict]).joined(separator: "\n")
  }

  /// The JSON object: `schema` `iopb-check-mutants/1` and one entry per mutant with its
  /// expectation, outcome and whole result (as `iopb check --format json` gives it).
  public func jsonObject(measurements: Bool = true) -> [String: Any] {
    [
      "schema": "iopb-check-mutants/1", "passed": passed,
      "mutants": rows.map { row in
        [
          "name": row.mutant.name, "design": row.mutant.strategy.name,
          "deviations": row.mutant.deviations.map(\.rawValue).sorted(), "summary": row.mutant.summary,
          "source": row.mutant.source, "expected": row.mutant.expectation.rawValue, "outcome": row.outcome,
          "met_expectation": row.metExpectation, "result": row.result.jsonObject(measurements: measurements),
        ] as [String: Any]
      },
    ]
  }
}
