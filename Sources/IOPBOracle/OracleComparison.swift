import IOPBKernel
import IOPBScenario
import IOPBSimulator
import IOPBStrategies

/// A step on which the model and the real kernel disagree.
public struct Disagreement: Sendable, Hashable, CustomStringConvertible {
  public var source: String
  public var location: SourceLocation
  public var step: String
  public var model: String
  public var kernel: String

  /// `FILE:LINE: STEP: model X, kernel Y`.
  public var description: String {
    "\(source):\(location.line): \(step): model \(model), kernel \(kernel)"
  }
}

/// The oracle's verdict over a set of scenarios.
public struct OracleReport: Sendable, Hashable {
  public var scenarios = 0
  public var steps = 0
  /// Steps the guest never reached because it stopped early (a time bound, a crash).
  public var unreached = 0
  public var disagreements: [Disagreement] = []
  /// Scenarios not sent to the guest, or sent only up to a model-only step, with the reason.
  public var skipped: [String] = []
  /// Model-side problems: a violation or a step the model could not take.
  public var modelProblems: [String] = []
  /// The guest kernel's release, as the agent reported it.
  public var kernelRelease: String?

  public var agrees: Bool { disagreements.isEmpty && modelProblems.isEmpty }

  /// One line: scenarios, steps, disagreements.
  public var summary: String {
    "oracle: \(scenarios) scenarios, \(steps) steps compared, \(disagreements.count) disagreements"
      + (unreached == 0 ? "" : ", \(unreached) steps not reached")
      + (kernelRelease.map { " (kernel \($0))" } ?? "")
      + (skipped.isEmpty ? "" : ", \(skipped.count) cut short or skipped")
  }
}

/// What the model predicts for each step of a scenario, in the guest's vocabulary.
public struct ModelPrediction: Sendable, Hashable {
  public var run: ScenarioRun
  /// Predicted result by step number.
  public var results: [Int: String]

  /// Runs `scenario` on the `linux-5.5` model under the scenario's kernel configuration plus
  /// `deviations`.
  public init(_ scenario: Scenario, deviations: Set<KernelDeviation> = []) {
    var configured = scenario
    configured.kernel.deviations.formUnion(deviations)
    run = ScenarioRunner.run(configured, strategy: Linux55Strategy())
    var results: [Int: String] = [:]
    for (number, record) in run.records.enumerated() {
      switch record.outcome {
      case .syscall(let errno, _)?: results[number] = errno?.name ?? "ok"
      case .access(let access)?: results[number] = access.allowed ? "allow" : "deny"
      case .interruptFlag(let outcome)?: results[number] = outcome.rawValue
      case .done?, nil: results[number] = "ok"
      }
    }
    self.results = results
  }
}

/// Compares model predictions with what the guest reported.
public enum OracleComparison {
  /// `scenarios` were compiled into `program` in this order and run by the guest.
  public static func compare(
    _ scenarios: [Scenario], program: GuestProgram, transcript: GuestTranscript,
    deviations: Set<KernelDeviation> = []
  ) -> OracleReport {
    var report = OracleReport(scenarios: scenarios.count)
    report.kernelRelease = transcript.information["kernel"]
    for (index, scenario) in scenarios.enumerated() {
      let prediction = ModelPrediction(scenario, deviations: deviations)
      if let error = prediction.run.error { report.modelProblems.append(error.description) }
      for record in prediction.run.records {
        for violation in record.violations {
          report.modelProblems.append("\(scenario.source):\(record.step.location.line): \(violation)")
        }
      }
      let kernel = transcript.results[index] ?? [:]
      for number in program.sentSteps[index] {
        let step = scenario.steps[number]
        let model = prediction.results[number] ?? "no result"
        let actual: String
        if let result = kernel[number] {
          actual = result
        } else if let failure = transcript.failures.first(where: { $0.scenario == index && $0.step == number }) {
          actual = "agent error (\(failure.message))"
        } else if !transcript.finished {
          report.unreached += 1
          continue
        } else {
          actual = "no result"
        }
        report.steps += 1
        if model != actual {
          report.disagreements.append(
            Disagreement(source: scenario.source, location: step.location, step: step.text, model: model, kernel: actual))
        }
      }
    }
    return report
  }
}
