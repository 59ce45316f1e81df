import IOPBKernel
import IOPBScenario

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
            OracleDisagreement(source: scenario.source, location: step.location, step: step.text, model: model, kernel: actual))
        }
      }
    }
    return report
  }
}
