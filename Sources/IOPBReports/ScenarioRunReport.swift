import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBScenario
import IOPBText

/// A scenario run as text for people: each step with its outcome, failures marked; with
/// `trace`, the machine steps behind each step. After a violation, a bounded excerpt of the
/// steps that led to it: the last ``context`` machine steps on the violation's CPU or of its
/// thread (the TSS that CPU holds and the permissions that thread has come from those), with a
/// count of the earlier ones, so that the report grows linearly with the run.
public struct ScenarioRunReport {
  public let run: ScenarioRun
  public var trace: Bool
  /// How many machine steps a violation's excerpt shows at most.
  public var context: Int
  /// How many scenario steps back an excerpt looks for steps of the violation's CPU or thread.
  public var lookBack: Int

  public init(_ run: ScenarioRun, trace: Bool = false, context: Int = 8, lookBack: Int = 256) {
    self.run = run
    self.trace = trace
    self.context = context
    self.lookBack = lookBack
  }

  public var text: String {
    let scenario = run.scenario
    var lines = [
      "== \(scenario.source) (\(run.strategy), \(scenario.cpuCount) cpu\(scenario.cpuCount == 1 ? "" : "s"), \(scenario.kernel.portCount) ports)"
    ]
    let records = run.records
    let steps = TextTable(
      columns: [
        TextTable.Column(.right, minimumWidth: 4), TextTable.Column(.left, minimumWidth: 24),
        TextTable.Column(.left, minimumWidth: 6), .left,
      ],
      rows: records.map { record in
        [
          String(record.step.location.line), record.step.text, record.outcome.map(\.description) ?? "",
          record.missedExpectation ? "FAIL: expected \(record.step.expectation.map(\.description) ?? "")" : "",
        ]
      })
    // What belongs to a step starts under its text.
    let indent = String(repeating: " ", count: (steps.widths.first ?? 0) + TextTable.separator.count)
    // Machine steps of the records before the current one, for the count of those not shown.
    var eventsBefore = 0
    for (index, (record, line)) in zip(records, steps.lines).enumerated() {
      lines.append(line)
      if trace { lines += record.events.map { "\(indent)  · \(describe($0))" } }
      for (position, event) in record.events.enumerated() {
        for violation in event.violations {
          lines.append("\(indent)VIOLATION: \(violation.description(naming: run.name(of:)))")
          lines += excerpt(upTo: index, event: position, cpu: violation.cpu, thread: violation.thread,
            eventsBefore: eventsBefore + position + 1
          ).map { indent + $0 }
        }
      }
      lines += record.invariantViolations.map { "\(indent)INVARIANT: \($0)" }
      eventsBefore += record.events.count
    }
    if let error = run.error { lines.append(error.description) }
    lines.append(
      "== \(run.passed ? "PASS" : "FAIL"): \(records.count) steps, \(run.expectationCount) expectations, \(run.failures.count) failed, \(run.violationCount) violations"
    )
    return lines.joined(separator: "\n")
  }

  /// The excerpt for a violation reported by event `event` of record `index`: a heading, then
  /// the last ``context`` machine steps on `cpu` or of `thread` up to that event and, when it
  /// is older, the last system call of `thread` (what its permissions come from), all within
  /// ``lookBack`` scenario steps. `eventsBefore` counts every machine step up to that event.
  private func excerpt(upTo index: Int, event: Int, cpu: CPUID, thread: ThreadID, eventsBefore: Int) -> [String] {
    var shown: [String] = []
    // The call, once found: among the shown steps (an empty line) or older.
    var lastCall: String?
    var recordIndex = index
    var eventLimit = event + 1
    while recordIndex >= max(0, index - lookBack), shown.count < context || lastCall == nil {
      let record = run.records[recordIndex]
      for candidate in record.events[..<eventLimit].reversed() where shown.count < context || lastCall == nil {
        guard candidate.cpu == cpu || candidate.thread == thread else { continue }
        let isCall = lastCall == nil && Self.isSystemCall(candidate, of: thread)
        if shown.count < context {
          shown.append("  \(record.step.location.line): \(describe(candidate))")
          if isCall { lastCall = "" }
        } else if isCall {
          lastCall = "  \(record.step.location.line): \(describe(candidate))"
        }
      }
      recordIndex -= 1
      if recordIndex >= 0 { eventLimit = run.records[recordIndex].events.count }
    }
    if let lastCall, !lastCall.isEmpty { shown += ["  …", lastCall] }
    let listed = shown.count - (lastCall?.isEmpty == false ? 1 : 0)
    let hidden = eventsBefore - listed
    let heading =
      hidden == 0
      ? "steps that led to it:"
      : "steps that led to it (the last on \(cpu) or of \(run.name(of: thread)); \(hidden) other\(hidden == 1 ? "" : "s") not shown):"
    return [heading] + shown.reversed()
  }

  /// True for a system call (or an I/O worker's step) made by `thread`.
  private static func isSystemCall(_ event: MachineEvent, of thread: ThreadID) -> Bool {
    switch event.step {
    case .syscall(let caller, _)?, .ioWorker(let caller, _)?: caller == thread
    default: false
    }
  }

  /// A machine event with threads called by their scenario names.
  private func describe(_ event: MachineEvent) -> String {
    switch event {
    case .spawned(let thread, let cpu): "spawn \(run.name(of: thread)) on \(cpu)"
    case .took(let step, _, let result):
      step.description(naming: run.name(of:)) + (result.outcome == .done ? "" : " → \(result.outcome)")
    case .refused(let step, let error):
      "\(step.description(naming: run.name(of:))) refused: \(error.description(naming: run.name(of:)))"
    }
  }
}

extension ScenarioRun {
  /// The run as text (``ScenarioRunReport``).
  public func rendered(trace: Bool = false) -> String { ScenarioRunReport(self, trace: trace).text }

  /// `runs` as one JSON array of their `Codable` encoding, keys sorted: byte-identical for the
  /// same files and strategy. The schema is `docs/schema/scenario-runs.schema.json`.
  public static func json(_ runs: [ScenarioRun]) -> String { JSONReport.document(runs) }
}
