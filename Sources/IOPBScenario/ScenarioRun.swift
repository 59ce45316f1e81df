import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBMachine
import IOPBStrategies

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
    let width = max(24, records.map(\.step.text.count).max() ?? 0)
    for (index, record) in records.enumerated() {
      let outcome = record.outcome.map(\.description) ?? ""
      var line = "\(pad(String(record.step.location.line), 4)) \(pad(record.step.text, width, left: true))  \(pad(outcome, 6, left: true))"
      if let expectation = record.step.expectation, !(record.outcome.map(expectation.isMet) ?? false) {
        line += "  FAIL: expected \(expectation)"
      }
      lines.append(line.trimmingTrailingSpaces())
      if trace { lines += record.machineSteps.map { "       · \($0)" } }
      for violation in record.violations {
        lines.append("     VIOLATION: \(violation.description(naming: { threadNames[$0] ?? $0.description }))")
        lines.append("     steps that led to it:")
        for earlier in records[...index] {
          lines += earlier.machineSteps.map { "       \(earlier.step.location.line): \($0)" }
        }
      }
      lines += record.invariantViolations.map { "     INVARIANT: \($0)" }
    }
    if let error { lines.append(error.description) }
    let expectations = records.filter { $0.step.expectation != nil }.count
    lines.append(
      "== \(passed ? "PASS" : "FAIL"): \(records.count) steps, \(expectations) expectations, \(failures.count) failed, \(violationCount) violations")
    return lines.joined(separator: "\n")
  }
}

private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
  let padding = String(repeating: " ", count: max(0, width - text.count))
  return left ? text + padding : padding + text
}

extension String {
  fileprivate func trimmingTrailingSpaces() -> String {
    var copy = self
    while copy.last == " " { copy.removeLast() }
    return copy
  }
}
