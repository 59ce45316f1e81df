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
        Installs QEMU and Debian's kernels on first use (scripts/oracle-setup); --kernel picks \
        Debian 12's 6.1 (bookworm, the default) or Debian 13's 6.12 (trixie). Generated scenarios go \
        to the guest --batch at a time, one boot each. Every step's result \
        (a call's errno, an access's allow/deny) must agree; disagreements print as \
        DISAGREE FILE:LINE: STEP: model X, kernel Y. Exit 0 when all agree, 1 otherwise, 64 for a \
        malformed scenario file or option, 69 when the guest cannot run or stops early (the steps \
        it reached are still compared), 73 when --save cannot create its folder or write a file.
        """)

    @Argument(help: "Scenario files (.scn).")
    var files: [String] = []

    @Option(help: "Also run this many generated scenarios (at most \(Self.maxRandom)).")
    var random = 0

    @Option(help: "Seed of the generated scenarios.")
    var seed: UInt64 = 1

    @Option(help: "Generated scenarios per guest boot (1 to \(Self.maxBatch)).")
    var batch = 250

    @Option(help: "The Debian kernel that judges: \(OracleKernel.names).")
    var kernel: OracleKernel = .bookworm

    @Option(help: "Kernel image to boot instead of the cached Debian one.")
    var kernelImage: String?

    @Option(
      name: .customLong("deviation"),
      help: "Flip one rule of the model (repeatable).")
    var deviations: [DeviationName] = []

    @Option(help: "Write the generated scenarios into this folder.")
    var save: String?

    @Option(help: "The boot script.")
    var bootScript = "scripts/oracle-boot"

    /// The most generated scenarios one run takes: about a day under QEMU's TCG at the ~0.1 s a
    /// scenario measured on this project's machines (README, Fidelity). More seeds make more.
    public static let maxRandom = 1_000_000
    /// The most scenarios one boot takes: at 65–100 ms a scenario under TCG
    /// (`docs/oracle-protocol.md` §5), 2000 take about 3 minutes, within `scripts/oracle-boot`'s
    /// 300 s limit for a boot (`IOPB_ORACLE_TIMEOUT`) on a quiet machine. The default, 250, keeps
    /// a boot within that limit under a load that slows the guest five-fold.
    public static let maxBatch = 2_000

    public init() {}

    public func validate() throws {
      if files.isEmpty && random == 0 { throw ValidationError("give scenario files or --random N") }
      guard random >= 0 else { throw ValidationError("--random must not be negative") }
      guard random <= Self.maxRandom else {
        throw ValidationError("--random \(random) is more than \(Self.maxRandom) scenarios; run several seeds instead")
      }
      guard (1...Self.maxBatch).contains(batch) else {
        throw ValidationError("--batch must be between 1 and \(Self.maxBatch)")
      }
      if save != nil, random == 0 { throw ValidationError("--save writes the generated scenarios: give --random N too") }
      _ = try deviations.resolved()
    }

    public func run() async throws {
      try await execute(guest: QEMUGuest(bootScript: bootScript, release: kernel, kernel: kernelImage), progress: printError)
        .emit()
    }

    /// Runs the scenarios on `guest` and on the model and compares them step by step.
    ///
    /// The files' scenarios and the first `batch` generated ones go to the first boot, each
    /// further `batch` to another: scenarios are generated (and saved) one batch at a time, so a
    /// run holds one batch in memory however large `--random` is. A guest that fails ends the
    /// run after its batch is compared.
    ///
    /// - Parameters:
    ///   - guest: The kernel that judges the model; ``run()`` boots a ``QEMUGuest``.
    ///   - progress: Receives status lines while the guest runs.
    /// - Returns: Notes, `DISAGREE` and `MODEL` lines and the summary as output; exit 0 when
    ///   everything agrees, 1 otherwise, 64 for a malformed scenario file, 69 when the guest
    ///   fails (after comparing what it reached), 73 when `--save` cannot write.
    public func execute(guest: some OracleGuest, progress: (String) -> Void = { _ in }) async -> CommandOutput {
      var pending: [Scenario] = []
      var diagnostics: [String] = []
      for file in files {
        do {
          pending.append(try Scenario.load(contentsOf: file))
        } catch {
          diagnostics += error.errors.map(\.description)
        }
      }
      guard diagnostics.isEmpty else {
        return CommandOutput(diagnostics: diagnostics.joined(separator: "\n"), exitCode: CommandOutput.usageError)
      }
      if let save {
        do {
          try FileManager.default.createDirectory(atPath: save, withIntermediateDirectories: true)
        } catch {
          let failure = FileWriteError(path: save, operation: .createFolder, underlying: error)
          return CommandOutput(diagnostics: "error: \(failure)", exitCode: CommandOutput.cannotCreate)
        }
      }
      var generator = RandomScenarios(seed: seed)
      let boots = max(1, (random + batch - 1) / batch)
      var report = OracleReport()
      var failure: GuestRunError?
      for boot in 1...boots {
        let generated = (0..<min(batch, random - generator.index)).map { _ in generator.next() }
        if let save {
          do {
            try Self.write(generated, into: save)
          } catch {
            return CommandOutput(diagnostics: "error: \(error)", exitCode: CommandOutput.cannotCreate)
          }
        }
        for (name, text) in generated {
          do {
            pending.append(try ScenarioParser.parse(text, source: name))
          } catch {
            diagnostics.append("internal error: generated scenario \(name) does not parse: \(error)")
          }
        }
        let counter = boots == 1 ? "" : " (boot \(boot) of \(boots))"
        let (part, stopped) = await judge(pending, on: guest, progress: { progress($0 + counter) })
        report.add(part)
        pending = []
        if let stopped {
          failure = stopped
          diagnostics.append("error: \(stopped)")
          let unsent = random - generator.index
          if unsent > 0 {
            diagnostics.append("error: the guest stopped in boot \(boot) of \(boots): \(unsent) generated scenarios not run")
          }
          break
        }
      }
      var lines = report.skipped.map { "note: \($0)" }
      lines += report.disagreements.map { "DISAGREE \($0)" }
      lines += report.modelProblems.map { "MODEL \($0)" }
      lines.append(report.summary)
      let exitCode: Int32
      if failure != nil {
        exitCode = CommandOutput.unavailable
      } else {
        exitCode = report.agrees && diagnostics.isEmpty ? 0 : 1
      }
      return CommandOutput(
        output: lines.joined(separator: "\n"), diagnostics: diagnostics.joined(separator: "\n"),
        exitCode: exitCode)
    }

    /// One boot: the parts of `scenarios` the guest can run, run on `guest` and compared with the
    /// model; the guest's failure, if any, with what it reached compared.
    private func judge(
      _ scenarios: [Scenario], on guest: some OracleGuest, progress: (String) -> Void
    ) async -> (OracleReport, GuestRunError?) {
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
      return (report, failure)
    }

    /// Writes each generated scenario to `DIRECTORY/NAME.scn` (the folder exists).
    private static func write(_ generated: [(name: String, text: String)], into directory: String) throws(FileWriteError) {
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

extension OracleKernel: ExpressibleByArgument {
  /// A release name (`trixie`) or a series (`6.12`).
  public init?(argument: String) { self.init(name: argument) }
  public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
