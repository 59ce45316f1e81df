import ArgumentParser
import Foundation
import IOPBMetal
import IOPBScenario
import IOPBText

extension IOPB {
  /// `iopb metal`: the metal kernel (metal/, Embedded Swift) judges the CPU check and the
  /// designs on a CPU under QEMU (docs/metal.md). One boot runs what the options ask for.
  public struct Metal: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Run the CPU check and the switch designs on a bare-metal x86-64 kernel under QEMU.",
      discussion: """
        Builds metal/ with Embedded Swift and boots it (scripts/metal-boot; KVM when usable, else \
        TCG). Exit 0 when everything asked for agrees with the model, 1 otherwise, 64 for a bad \
        option or scenario file, 69 when the kernel cannot build or boot, 73 when the profile \
        cannot be written.
        """,
      subcommands: [All.self, Differential.self, Designs.self, KPTI.self, Calibrate.self])

    public init() {}

    /// The most random vectors a run takes: all of them are built before the boot, and the
    /// program carries one line each.
    public static let maxVectors = 1_000_000
    /// The most generated scenarios a run takes, built before the boot as well.
    public static let maxScenarios = 100_000

    /// Throws unless `count` of option `name` lies in 0…`maximum`.
    static func checkCount(_ count: Int, _ name: String, maximum: Int) throws(ValidationError) {
      guard (0...maximum).contains(count) else {
        throw ValidationError("\(name) must be from 0 to \(maximum), not \(count)")
      }
    }

    /// Options every `iopb metal` subcommand takes.
    struct Boot: ParsableArguments {
      @Option(help: "kvm, tcg or auto (KVM when /dev/kvm has hardware virtualisation).")
      var accel = "auto"

      @Option(help: "The boot script.")
      var bootScript = "scripts/metal-boot"

      func validate() throws {
        guard ["kvm", "tcg", "auto"].contains(accel) else { throw ValidationError("--accel must be kvm, tcg or auto") }
      }

      var guest: QEMUMetalGuest { QEMUMetalGuest(bootScript: bootScript, accelerator: accel) }
    }

    /// Boots `suite` on `guest` and renders the report; writes the profile to `profilePath`.
    static func execute(
      _ suite: MetalSuite, guest: some MetalGuest, profilePath: String? = nil, progress: (String) -> Void
    ) async -> CommandOutput {
      progress("metal: booting the kernel (\(suite.program.utf8.count) bytes of program)")
      let transcript: MetalTranscript
      do {
        transcript = try await guest.run(suite.program)
      } catch {
        let partial = suite.report(error.partial)
        return CommandOutput(
          output: partial.lines.joined(separator: "\n"), diagnostics: "error: \(error)", exitCode: CommandOutput.unavailable)
      }
      let report = suite.report(transcript)
      report.timingNote.map(progress)
      var lines = report.lines
      if let profilePath, let profile = report.profile {
        let text = MetalCalibration.fileText(profile, transcript: transcript)
        // As `calibrate -o`: a new path or a regular file only, the failure named.
        do { try OutputFile(path: profilePath).write(text) } catch {
          return CommandOutput(
            output: lines.joined(separator: "\n"), diagnostics: "error: \(error)", exitCode: CommandOutput.cannotCreate)
        }
        lines.append("wrote \(profilePath)")
      }
      return CommandOutput(output: lines.joined(separator: "\n"), exitCode: report.passed ? 0 : 1)
    }

    /// Loads the scenario files and `random` generated ones and runs `body` on them; a malformed
    /// file exits 64 with its errors.
    static func withScenarios(
      files: [String], random: Int, seed: UInt64, _ body: ([Scenario]) async -> CommandOutput
    ) async -> CommandOutput {
      var scenarios: [Scenario] = []
      do {
        for file in files { scenarios.append(try Scenario.load(contentsOf: file)) }
        var generator = MetalScenarioGenerator(seed: seed)
        for (name, text) in generator.texts(count: random) { scenarios.append(try ScenarioParser.parse(text, source: name)) }
      } catch {
        return CommandOutput(diagnostics: error.errors.map(\.description).joined(separator: "\n"), exitCode: CommandOutput.usageError)
      }
      return await body(scenarios)
    }

    /// `iopb metal all`: everything in one boot (what `scripts/test` runs).
    public struct All: AsyncParsableCommand {
      public static let configuration = CommandConfiguration(
        abstract: "KPTI, timings, the differential and the designs in one boot.")

      @OptionGroup var boot: Boot
      @Argument(help: "Scenario files for the designs.") var files: [String] = []
      @Option(help: "Random vectors of the differential (after its edges).") var vectors = 10_000
      @Option(help: "Generated scenarios for the designs.") var scenarios = 40
      @Option(help: "Seed of the random vectors and scenarios.") var seed: UInt64 = 2019
      @Option(help: "Runs per timing (1-2048).") var runs = 256
      @Option(name: .shortAndLong, help: "Also write the cycle profile to this file.") var output: String?

      public init() {}

      public func validate() throws {
        try Metal.checkCount(vectors, "--vectors", maximum: Metal.maxVectors)
        try Metal.checkCount(scenarios, "--scenarios", maximum: Metal.maxScenarios)
        guard (1...2048).contains(runs) else { throw ValidationError("--runs must be from 1 to 2048") }
      }

      public func run() async throws { try await execute(guest: boot.guest, progress: printError).emit() }

      public func execute(guest: some MetalGuest, progress: (String) -> Void = { _ in }) async -> CommandOutput {
        await Metal.withScenarios(files: files, random: scenarios, seed: seed) { list in
          let suite = MetalSuite(
            differential: MetalDifferential(random: vectors, seed: seed), scenarios: list, isolation: true, timingRuns: runs)
          return await Metal.execute(suite, guest: guest, profilePath: output, progress: progress)
        }
      }
    }

    /// `iopb metal differential`: the CPU's I/O permission check against IOPBCPU.
    public struct Differential: AsyncParsableCommand {
      public static let configuration = CommandConfiguration(
        abstract: "Compare the CPU's I/O permission check with IOPBCPU on the edges and random vectors.")

      @OptionGroup var boot: Boot
      @Option(help: "Random vectors (after the edges).") var vectors = 10_000
      @Option(help: "Seed of the random vectors.") var seed: UInt64 = 2019

      public init() {}

      public func validate() throws {
        try Metal.checkCount(vectors, "--vectors", maximum: Metal.maxVectors)
      }

      public func run() async throws { try await execute(guest: boot.guest, progress: printError).emit() }

      public func execute(guest: some MetalGuest, progress: (String) -> Void = { _ in }) async -> CommandOutput {
        await Metal.execute(MetalSuite(differential: MetalDifferential(random: vectors, seed: seed)), guest: guest, progress: progress)
      }
    }

    /// `iopb metal designs`: the switch designs decide scenario accesses on the CPU.
    public struct Designs: AsyncParsableCommand {
      public static let configuration = CommandConfiguration(
        abstract: "Run the switch designs on the CPU over scenarios and compare each access with the model.")

      @OptionGroup var boot: Boot
      @Argument(help: "Scenario files.") var files: [String] = []
      @Option(help: "Generated scenarios.") var random = 40
      @Option(help: "Seed of the generated scenarios.") var seed: UInt64 = 2019

      public init() {}

      public func validate() throws {
        try Metal.checkCount(random, "--random", maximum: Metal.maxScenarios)
        if files.isEmpty && random == 0 { throw ValidationError("give scenario files or --random N") }
      }

      public func run() async throws { try await execute(guest: boot.guest, progress: printError).emit() }

      public func execute(guest: some MetalGuest, progress: (String) -> Void = { _ in }) async -> CommandOutput {
        await Metal.withScenarios(files: files, random: random, seed: seed) { list in
          await Metal.execute(MetalSuite(scenarios: list), guest: guest, progress: progress)
        }
      }
    }

    /// `iopb metal kpti`: Gerst's objection on a CPU.
    public struct KPTI: AsyncParsableCommand {
      public static let configuration = CommandConfiguration(
        commandName: "kpti",
        abstract: "Show that under KPTI a TSS outside the entry area double-faults the first trap from user mode.",
        discussion: "A second boot puts the TSS wholly outside: the CPU resets (triple fault).")

      @OptionGroup var boot: Boot

      public init() {}

      public func run() async throws { try await execute(guest: boot.guest, progress: printError).emit() }

      /// Two boots: the three attempts of `K`, then `W`, which resets the machine.
      public func execute(guest: some MetalGuest, progress: (String) -> Void = { _ in }) async -> CommandOutput {
        var first = await Metal.execute(MetalSuite(isolation: true), guest: guest, progress: progress)
        progress("metal: booting again for the TSS wholly outside the entry area (a triple fault ends that boot)")
        let transcript: MetalTranscript
        do { transcript = try await guest.run("W\n") } catch { transcript = error.partial }
        let whole = MetalWholeOutsideReport(transcript)
        first.output += "\n" + whole.line
        if !whole.reset, first.exitCode == 0 { first.exitCode = 1 }
        return first
      }
    }

    /// `iopb metal calibrate -o FILE`: a cycle profile measured by RDTSC in ring 0.
    public struct Calibrate: AsyncParsableCommand {
      public static let configuration = CommandConfiguration(
        abstract: "Time the designs' privileged operations in ring 0 and write a cycle profile.",
        discussion: "Under TCG the figures are QEMU's emulation speed, not hardware cycles; the profile says so.")

      @OptionGroup var boot: Boot
      @Option(name: .shortAndLong, help: "Write the profile to this file (else print it).") var output: String?
      @Option(help: "Runs per timing (1-2048).") var runs = 512

      public init() {}

      public func validate() throws {
        guard (1...2048).contains(runs) else { throw ValidationError("--runs must be from 1 to 2048") }
      }

      public func run() async throws { try await execute(guest: boot.guest, progress: printError).emit() }

      public func execute(guest: some MetalGuest, progress: (String) -> Void = { _ in }) async -> CommandOutput {
        let suite = MetalSuite(timingRuns: runs)
        guard let output else {
          let transcript: MetalTranscript
          do { transcript = try await guest.run(suite.program) } catch {
            return CommandOutput(diagnostics: "error: \(error)", exitCode: CommandOutput.unavailable)
          }
          let report = suite.report(transcript)
          guard let profile = report.profile else {
            return CommandOutput(diagnostics: report.problems.map { "error: \($0)" }.joined(separator: "\n"), exitCode: 1)
          }
          return CommandOutput(output: MetalCalibration.fileText(profile, transcript: transcript))
        }
        return await Metal.execute(suite, guest: guest, profilePath: output, progress: progress)
      }
    }
  }
}
