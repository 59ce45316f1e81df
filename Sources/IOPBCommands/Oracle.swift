import ArgumentParser
import Foundation
import IOPBKernel
import IOPBOracle
import IOPBScenario

extension IOPB {
  /// `iopb oracle`: a stock Linux kernel under QEMU judges the model.
  public struct Oracle: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Run scenarios on a real Linux kernel under QEMU and on the model, and compare.",
      discussion: """
        Installs QEMU and Debian's kernel on first use (scripts/oracle-setup). Every step's result \
        (a call's errno, an access's allow/deny) must agree; disagreements print as \
        DISAGREE FILE:LINE: STEP: model X, kernel Y. Exit 0 when all agree, 1 otherwise, 64 for a \
        malformed scenario file or option, 69 when the guest cannot run or stops early (the steps \
        it reached are still compared), 73 when --save cannot create its folder or write a file.
        """)

    @Argument(help: "Scenario files (.scn).")
    var files: [String] = []

    @Option(help: "Also run this many generated scenarios.")
    var random = 0

    @Option(help: "Seed of the generated scenarios.")
    var seed: UInt64 = 1

    @Option(help: "Kernel image to boot instead of the cached Debian one.")
    var kernel: String?

    @Option(
      name: .customLong("deviation"),
      help: "Flip one rule of the model (repeatable).")
    var deviations: [DeviationName] = []

    @Option(help: "Write the generated scenarios into this folder.")
    var save: String?

    @Option(help: "The boot script.")
    var bootScript = "scripts/oracle-boot"

    public init() {}

    public func validate() throws {
      if files.isEmpty && random == 0 { throw ValidationError("give scenario files or --random N") }
      guard random >= 0 else { throw ValidationError("--random must not be negative") }
      if save != nil, random == 0 { throw ValidationError("--save writes the generated scenarios: give --random N too") }
      _ = try deviations.resolved()
    }

    public func run() async throws {
      try await execute(guest: QEMUGuest(bootScript: bootScript, kernel: kernel), progress: printError).emit()
    }

    /// Runs the scenarios on `guest` and on the model and compares them step by step.
    ///
    /// - Parameters:
    ///   - guest: The kernel that judges the model; ``run()`` boots a ``QEMUGuest``.
    ///   - progress: Receives status lines while the guest runs.
    /// - Returns: Notes, `DISAGREE` and `MODEL` lines and the summary as output; exit 0 when
    ///   everything agrees, 1 otherwise, 64 for a malformed scenario file, 69 when the guest
    ///   fails (after comparing what it reached), 73 when `--save` cannot write.
    public func execute(guest: some OracleGuest, progress: (String) -> Void = { _ in }) async -> CommandOutput {
      var scenarios: [Scenario] = []
      var diagnostics: [String] = []
      for file in files {
        do {
          scenarios.append(try Scenario.load(contentsOf: file))
        } catch {
          diagnostics += error.errors.map(\.description)
        }
      }
      guard diagnostics.isEmpty else {
        return CommandOutput(diagnostics: diagnostics.joined(separator: "\n"), exitCode: CommandOutput.usageError)
      }
      var generator = RandomScenarios(seed: seed)
      let generated = generator.texts(count: random)
      if let save {
        do {
          try Self.write(generated, into: save)
        } catch {
          return CommandOutput(diagnostics: "error: \(error)", exitCode: CommandOutput.cannotCreate)
        }
      }
      for (name, text) in generated {
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
        transcript = try await guest.run(program)
      } catch {
        transcript = error.partial
        failure = error
      }
      var report = OracleComparison.compare(
        supported, program: program, transcript: transcript,
        deviations: Set(deviations.compactMap { try? $0.resolved() }))
      report.skipped = skipped
      var lines = skipped.map { "note: \($0)" }
      lines += report.disagreements.map { "DISAGREE \($0)" }
      lines += report.modelProblems.map { "MODEL \($0)" }
      lines.append(report.summary)
      let exitCode: Int32
      if let failure {
        diagnostics.append("error: \(failure)")
        exitCode = CommandOutput.unavailable
      } else {
        exitCode = report.agrees && diagnostics.isEmpty ? 0 : 1
      }
      return CommandOutput(
        output: lines.joined(separator: "\n"), diagnostics: diagnostics.joined(separator: "\n"),
        exitCode: exitCode)
    }

    /// Writes each generated scenario to `DIRECTORY/NAME.scn`, creating the folder first.
    private static func write(_ generated: [(name: String, text: String)], into directory: String) throws(FileWriteError) {
      do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw FileWriteError(path: directory, operation: .createFolder, underlying: error)
      }
      for (name, text) in generated {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(name + ".scn")
        do {
          try Data(text.utf8).write(to: url)
        } catch {
          throw FileWriteError(path: url.path, operation: .write, underlying: error)
        }
      }
    }
  }
}
