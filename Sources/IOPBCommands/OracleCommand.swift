import Foundation
import IOPBKernel
import IOPBOracle
import IOPBReports
import IOPBScenario

/// The logic of `iopb oracle`, callable in-process.
public enum OracleCommand {
  /// Options of one oracle run.
  public struct Options: Sendable {
    public var files: [String] = []
    public var random = 0
    public var seed: UInt64 = 1
    public var kernel: String?
    public var deviations: Set<KernelDeviation> = []
    public var bootScript = "scripts/oracle-boot"
    /// A folder to write the random scenarios into, for reproducing a disagreement.
    public var saveDirectory: String?
    public init() {}
  }

  /// Exit status when the guest could not be run (`EX_UNAVAILABLE`).
  public static let unavailable: Int32 = 69

  /// Runs the scenarios on the guest and on the model: 0 when they agree, 1 when they do not,
  /// 64 for malformed input, 69 when the guest cannot run. `progress` receives status lines.
  public static func run(_ options: Options, progress: (String) -> Void = { _ in }) -> CommandOutput {
    var scenarios: [Scenario] = []
    var diagnostics: [String] = []
    for file in options.files {
      switch ScenarioCommand.load(file) {
      case .success(let scenario): scenarios.append(scenario)
      case .failure(let errors): diagnostics += errors.errors.map(\.description)
      }
    }
    guard diagnostics.isEmpty else {
      return CommandOutput(output: "", diagnostics: diagnostics.joined(separator: "\n"), exitCode: CommandOutput.usageError)
    }
    var generator = RandomScenarios(seed: options.seed)
    for (name, text) in generator.texts(count: options.random) {
      if let directory = options.saveDirectory {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(name + ".scn")
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? Data(text.utf8).write(to: url)
      }
      do {
        scenarios.append(try ScenarioParser.parse(text, source: name))
      } catch {
        diagnostics.append("internal error: generated scenario \(name) does not parse: \(error)")
      }
    }
    var skipped: [String] = []
    var supported: [Scenario] = []
    for scenario in scenarios {
      if let reason = OracleSupport.unsupportedReason(scenario) {
        skipped.append("\(scenario.source): skipped: \(reason)")
        continue
      }
      let (prefix, cut) = OracleSupport.supportedPrefix(scenario)
      if let cut { skipped.append("\(scenario.source): \(cut)") }
      supported.append(prefix)
    }
    let program = GuestProgram.compile(supported)
    let stepCount = program.sentSteps.reduce(0) { $0 + $1.count }
    progress("oracle: booting the guest for \(supported.count) scenarios, \(stepCount) steps")
    let transcript: GuestTranscript
    var failure: GuestRunError?
    do {
      transcript = try GuestRunner(bootScript: options.bootScript, kernel: options.kernel).run(program)
    } catch {
      // Compare what the guest managed before it stopped: the partial result.
      transcript = error.partial
      failure = error
    }
    var report = OracleComparison.compare(
      supported, program: program, transcript: transcript, deviations: options.deviations)
    report.skipped = skipped
    var lines = skipped.map { "note: \($0)" }
    lines += report.disagreements.map { "DISAGREE \($0)" }
    lines += report.modelProblems.map { "MODEL \($0)" }
    lines.append(report.summary)
    if let failure {
      diagnostics.append("error: \(failure)")
      return CommandOutput(
        output: lines.joined(separator: "\n"), diagnostics: diagnostics.joined(separator: "\n"),
        exitCode: unavailable)
    }
    return CommandOutput(
      output: lines.joined(separator: "\n"), diagnostics: diagnostics.joined(separator: "\n"),
      exitCode: report.agrees && diagnostics.isEmpty ? 0 : 1)
  }
}
