import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBMachine
import IOPBStrategies
import IOPBText

/// The result of running one scenario on the model.
public struct ScenarioRun: Sendable, Hashable {
  public var scenario: Scenario
  public var strategy: String
  public var records: [StepRecord] = []
  public var counts = OperationCounts()
  /// Set when a step could not be taken; the run stopped there.
  public var error: ScenarioError?
  /// The scenario's name for each thread the run created.
  public var threadNames: [ThreadID: String] = [:]

  public var failures: [StepRecord] { records.filter { !$0.passed } }
  public var violationCount: Int { records.reduce(0) { $0 + $1.violations.count } }
  public var passed: Bool { error == nil && failures.isEmpty }

  /// A human-readable report: each step with its outcome, failures marked; with `trace`, the
  /// machine steps behind each step. After a violation, the steps that led to it.
  public func render(trace: Bool = false) -> String {
    var lines = [
      "== \(scenario.source) (\(strategy), \(scenario.cpuCount) cpu\(scenario.cpuCount == 1 ? "" : "s"), \(scenario.kernel.portCount) ports)"
    ]
    let steps = TextTable(
      columns: [
        TextTable.Column(.right, minimumWidth: 4), TextTable.Column(.left, minimumWidth: 24),
        TextTable.Column(.left, minimumWidth: 6), .left,
      ],
      rows: records.map { record in
        var failure = ""
        if let expectation = record.step.expectation, !(record.outcome.map(expectation.isMet) ?? false) {
          failure = "FAIL: expected \(expectation)"
        }
        return [
          String(record.step.location.line), record.step.text, record.outcome.map(\.description) ?? "", failure,
        ]
      })
    // What belongs to a step starts under its text.
    let indent = String(repeating: " ", count: (steps.widths.first ?? 0) + TextTable.separator.count)
    for (index, (record, line)) in zip(records, steps.lines).enumerated() {
      lines.append(line)
      if trace { lines += record.machineSteps.map { "\(indent)  · \($0)" } }
      for violation in record.violations {
        lines.append("\(indent)VIOLATION: \(violation.description(naming: { threadNames[$0] ?? $0.description }))")
        lines.append("\(indent)steps that led to it:")
        for earlier in records[...index] {
          lines += earlier.machineSteps.map { "\(indent)  \(earlier.step.location.line): \($0)" }
        }
      }
      lines += record.invariantViolations.map { "\(indent)INVARIANT: \($0)" }
    }
    if let error { lines.append(error.description) }
    let expectations = records.filter { $0.step.expectation != nil }.count
    lines.append(
      "== \(passed ? "PASS" : "FAIL"): \(records.count) steps, \(expectations) expectations, \(failures.count) failed, \(violationCount) violations")
    return lines.joined(separator: "\n")
  }
}
