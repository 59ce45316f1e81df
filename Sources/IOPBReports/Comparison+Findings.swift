import IOPBSimulator
import IOPBStrategies

extension Comparison {
  /// One line per violation or failure that the strategy's declared limitations do not
  /// explain, naming its run.
  public var problems: [String] {
    rows.flatMap { row in
      row.unexplainedViolations.map { "\(row.workload) × \(row.strategy): \($0.text)" }
        + (row.failure.map { ["\(row.workload) × \(row.strategy): failed: \($0)"] } ?? [])
    }
  }

  /// One line per violation a limitation of its strategy explains, with the limitations.
  public var expectedViolations: [String] {
    rows.flatMap { row in
      row.violations.filter(\.explained).map {
        "\(row.workload) × \(row.strategy): \($0.text) (limitation: \(row.limitations.joined(separator: "; ")))"
      }
    }
  }
}

extension ComparisonRow {
  /// `yes`, `no`, or `n/a` when the strategy does not say.
  public var kptiText: String { validUnderKPTI.map { $0 ? "yes" : "no" } ?? "n/a" }
}

extension SimulationViolation {
  /// `at N µs: ` and the violation, threads by number.
  public var text: String {
    switch finding {
    case .step(let violation): "at \(microseconds) µs: \(violation)"
    case .invariant(let violation): "at \(microseconds) µs: invariant: \(violation)"
    }
  }
}
