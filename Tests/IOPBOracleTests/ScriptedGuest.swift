import IOPBKernel
import IOPBOracle
import IOPBScenario
import Synchronization
import Testing

/// A fake kernel: it reads the program as the agent would and answers each `step` line from a
/// script, in the protocol of `docs/oracle-protocol.md` (`I kernel scripted`, `S`, `R`, `DONE`).
struct ScriptedGuest: OracleGuest {
  /// The result of step `step` of scenario `scenario`; nil prints no `R` line for it.
  var answer: @Sendable (_ scenario: Int, _ step: Int) -> String?
  /// Stops, as a crashed or timed-out guest does, once this many steps were answered.
  var stopAfter: Int?
  /// Called at the start of every run (every boot).
  var onRun: @Sendable () -> Void = {}

  func run(_ program: GuestProgram) async throws(GuestRunError) -> GuestTranscript {
    onRun()
    var lines = ["I kernel scripted"]
    var scenario = -1
    var answered = 0
    for line in program.text.split(separator: "\n") {
      let fields = line.split(separator: " ")
      guard fields.count > 1, let number = Int(fields[1]) else { continue }
      switch fields[0] {
      case "scenario":
        scenario = number
        lines.append("S \(scenario)")
      case "step":
        if answered == stopAfter {
          throw GuestRunError(
            message: "scripted guest stopped after \(answered) steps",
            partial: GuestTranscript(parsing: lines.joined(separator: "\n")))
        }
        if let result = answer(scenario, number) { lines.append("R \(scenario) \(number) \(result)") }
        answered += 1
      default:
        continue
      }
    }
    lines.append("DONE")
    return GuestTranscript(parsing: lines.joined(separator: "\n"))
  }

  /// A kernel that answers as the model with `deviations` does on `scenarios` (in the order the
  /// command sends them, each cut to its supported prefix), except where `overrides` (scenario
  /// index, then step number) says otherwise.
  static func model(
    of scenarios: [Scenario], deviations: Set<KernelDeviation> = [], overrides: [Int: [Int: String]] = [:],
    stopAfter: Int? = nil
  ) -> ScriptedGuest {
    let predictions = scenarios.map {
      ModelPrediction(OracleSupport.supportedPrefix($0).scenario, deviations: deviations).results
    }
    return ScriptedGuest(
      answer: { scenario, step in
        overrides[scenario]?[step] ?? (predictions.indices.contains(scenario) ? predictions[scenario][step] : nil)
      },
      stopAfter: stopAfter)
  }
}

/// Counts a guest's boots.
final class Boots: Sendable {
  private let boots = Mutex(0)
  func count() { boots.withLock { $0 += 1 } }
  var total: Int { boots.withLock { $0 } }
}

/// A guest the command must not reach: running it records a test failure.
struct UnreachableGuest: OracleGuest {
  func run(_ program: GuestProgram) async throws(GuestRunError) -> GuestTranscript {
    Issue.record("the guest was run on:\n\(program.text)")
    return GuestTranscript()
  }
}
