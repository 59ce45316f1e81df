import IOPBKernel
import IOPBScenario
import IOPBStrategies

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
