import ArgumentParser
import Foundation
import IOPBChecker
import IOPBKernel
import IOPBMachine
import IOPBOracle
import IOPBScenario
import IOPBStrategies
import IOPBText

extension IOPB {
  /// `iopb check`: the model checker (``Explore``, the default) and the merge of its shards.
  public struct Check: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Model-check a design within bounds: no leak, no wrong denial, no broken invariant.",
      discussion: """
        `iopb check [OPTIONS]` runs `explore`, whose options (--strategy, --cpus, --processes, \
        --threads, --ports, --depth, --ops, --ranges, --mutants, --random, --shard, --format, …) \
        `iopb check explore --help` lists. docs/checker.md describes the bounds, the output and \
        the exit statuses.
        """,
      subcommands: [Explore.self, Merge.self], defaultSubcommand: Explore.self)

    public init() {}
  }
}

extension IOPB.Check {
  /// `iopb check [explore]`: explores every interleaving of a bounded set of operations and
  /// proves that a design leaks no port and denies none it should grant within the bounds, or
  /// prints the shortest scenario that breaks it.
  public struct Explore: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Explore a design's states within bounds (the default of `iopb check`).",
      discussion: """
        Breadth-first over canonical states (docs/checker.md). Exit 0: no violation within the \
        bounds; 1: a violation (the shortest counterexample is printed as a scenario file, and \
        written to --counterexample FILE); 3: stopped by --max-states, --max-memory or --timeout \
        before the bounds were exhausted (partial result); 64: bad option.
        """)

    @Option(help: "Switch strategy (see `iopb strategies`; variants such as linux-5.5+copies-only-incoming-max too).")
    var strategy = StrategyName(StrategyCatalog.defaultName)

    @Option(help: "CPUs (1–8).") var cpus = 2
    @Option(help: "Processes at boot, one root thread each (1–6).") var processes = 2
    @Option(help: "Live threads at most (fork and clone stop there).") var threads = 2
    @Option(help: "I/O ports the kernel manages (a multiple of 64).") var ports = 128
    @Option(help: "Steps from boot at most (default 14; 0 explores until no new state appears).") var depth = 14

    @Option(help: "Operations, comma-separated (default all: \(StepMenu.Operation.allCases.map(\.rawValue).joined(separator: ","))).")
    var ops: String?

    @Option(help: "ioperm ranges, comma-separated, e.g. 7-8,63-64,127 (default: straddle a byte and a word, and the last port).")
    var ranges: String?

    @Option(name: .customLong("deviation"), help: "Flip a kernel rule (repeatable).")
    var deviations: [DeviationName] = []

    @Flag(help: "Turn symmetry reduction off.") var noSymmetry = false
    @Flag(help: "Judge only what is observable (the double check, kernel faults), not the invariants.") var noInvariants = false
    @Flag(help: "Store 64-bit fingerprints instead of whole states (hash compaction).") var fingerprint = false
    @Option(help: "Stop after this many states.") var maxStates: Int?
    @Option(help: "Stop when resident memory exceeds this many MiB.") var maxMemory: Int?
    @Option(help: "Stop after this many seconds.") var timeout: Double?
    @Option(help: "Threads expanding states (the result does not change).") var jobs = 1
    @Option(help: "Explore shard i of n (0-based, e.g. 0/4); combine with `iopb check merge`.") var shard: String?
    @Option(help: "Output format: text or json.") var format = "text"
    @Flag(help: "Leave out time, rate and memory, so identical runs print identical bytes.") var noMeasurements = false
    @Option(help: "Write the counterexample scenario to this file.") var counterexample: String?
    @Flag(help: "Run every catalogued mutant (known bugs) within the bounds and tabulate what was caught.") var mutants = false
    @Option(help: "With --mutants: write each counterexample to DIR/MUTANT.scn.") var save: String?
    @Flag(help: "Random walks instead of exhaustive search (for bounds too large to exhaust).") var random = false
    @Option(help: "Seed of the random walks.") var seed: UInt64 = 1
    @Option(help: "Steps of random walks in all.") var steps = 100_000

    public init() {}

    public func validate() throws {
      _ = try configurationAndStrategy()
      guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json, not '\(format)'") }
      try RunLength.check(steps, "--steps", maximum: RunLength.steps)
    }

    /// The bounds and the design the options name, or a usage error naming the bad option.
    func configurationAndStrategy() throws(ValidationError) -> (CheckConfiguration, any SwitchStrategy) {
      let chosen = try strategy.resolved()
      var configuration = CheckConfiguration()
      configuration.cpus = cpus
      configuration.processes = processes
      configuration.threads = threads
      configuration.ports = ports
      configuration.depth = depth == 0 ? nil : depth
      configuration.jobs = jobs
      if let ops {
        var operations = Set<StepMenu.Operation>()
        for name in ops.split(separator: ",").map(String.init) {
          guard let operation = StepMenu.Operation(rawValue: name) else {
            throw ValidationError("--ops: unknown operation '\(name)'; known: \(StepMenu.Operation.allCases.map(\.rawValue).joined(separator: ","))")
          }
          operations.insert(operation)
        }
        configuration.operations = operations
      }
      if let ranges {
        var parsed: [ClosedRange<Int>] = []
        for item in ranges.split(separator: ",") {
          let bounds = item.split(separator: "-").map { Int($0) }
          guard (1...2).contains(bounds.count), let low = bounds.first ?? nil, let high = bounds.last ?? nil, low <= high else {
            throw ValidationError("--ranges: '\(item)' is not PORT or LOW-HIGH")
          }
          parsed.append(low...high)
        }
        configuration.ranges = parsed
      }
      configuration.deviations.formUnion(try deviations.resolved())
      configuration.symmetry = noSymmetry ? [] : .all
      configuration.checksInvariants = !noInvariants
      configuration.storage = fingerprint ? .fingerprint : .exact
      configuration.maxStates = maxStates
      if let maxMemory {
        guard (1...(1 << 30)).contains(maxMemory) else { throw ValidationError("--max-memory must be 1…\(1 << 30) MiB, not \(maxMemory)") }
        configuration.maxMemory = maxMemory * 1_048_576
      }
      configuration.timeout = timeout
      if let shard {
        guard let parsed = Shard(shard) else { throw ValidationError("--shard must be i/n, not '\(shard)'") }
        configuration.shard = parsed
      }
      if let problem = configuration.problems.first { throw ValidationError(problem) }
      return (configuration, chosen)
    }

    public func run() async throws {
      let output = await execute(progress: Self.terminalProgress)
      if Self.terminalProgress != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
      try output.emit()
    }

    /// Runs the exploration; `progress` receives a status line now and then.
    public func execute(progress: (@Sendable (String) -> Void)? = nil) async -> CommandOutput {
      let configuration: CheckConfiguration
      let chosen: any SwitchStrategy
      do { (configuration, chosen) = try configurationAndStrategy() } catch { return .usage(error.message) }
      if mutants { return await runMutants(configuration, progress: progress) }
      let result = await Self.check(chosen, configuration, random: random ? (seed, steps) : nil, progress: progress)
      var diagnostics = ""
      if let path = counterexample, let scenario = result.counterexample?.scenario {
        do { try OutputFile(path: path).write(scenario) } catch {
          return CommandOutput(diagnostics: "error: \(error)", exitCode: CommandOutput.cannotCreate)
        }
        diagnostics = "counterexample written to \(path)"
      }
      if let scenario = result.counterexample?.scenario {
        diagnostics += (diagnostics.isEmpty ? "" : "\n") + Self.oracleNote(scenario, file: counterexample)
      }
      let output = format == "json" ? result.json(measurements: !noMeasurements) : result.text(measurements: !noMeasurements)
      return CommandOutput(output: output, diagnostics: diagnostics, exitCode: Self.exitCode(result.verdict))
    }

    /// Whether the real kernel can replay `scenario` (`iopb oracle`), and why not: the guest
    /// runs 65536 ports on at most two CPUs, schedules threads itself (explicit switches and
    /// returns become its own), and cannot show VM exits, injected failures or I/O workers.
    static func oracleNote(_ scenario: String, file: String?) -> String {
      guard let parsed = try? ScenarioParser.parse(scenario, source: file ?? "counterexample") else {
        return "oracle: the counterexample does not parse as a scenario (a bug; please report it)"
      }
      if let reason = OracleSupport.unsupportedReason(parsed) { return "oracle: not runnable on the real kernel: \(reason)" }
      if let cut = OracleSupport.supportedPrefix(parsed).cut { return "oracle: only a prefix runs on the real kernel: \(cut)" }
      return "oracle: runnable on the real kernel: iopb oracle \(file ?? "FILE")"
    }

    /// `--mutants`: exit 0 when every mutant met its expectation, 1 otherwise.
    func runMutants(_ configuration: CheckConfiguration, progress: (@Sendable (String) -> Void)?) async -> CommandOutput {
      let status: (@Sendable (String) -> Void)? = progress.map { report in { @Sendable name in report("mutant \(name)") } }
      let run = await MutantRun.run(configuration: configuration, progress: status)
      var diagnostics: [String] = []
      if let save {
        do {
          try FileManager.default.createDirectory(atPath: save, withIntermediateDirectories: true)
        } catch {
          return CommandOutput(
            diagnostics: "error: \(FileWriteError(path: save, operation: .createFolder, underlying: error))",
            exitCode: CommandOutput.cannotCreate)
        }
        for row in run.rows {
          guard let scenario = row.result.counterexample?.scenario else { continue }
          let path = save + "/" + row.mutant.name + ".scn"
          do { try OutputFile(path: path).write(scenario) } catch {
            return CommandOutput(diagnostics: "error: \(error)", exitCode: CommandOutput.cannotCreate)
          }
        }
        diagnostics.append("counterexamples written to \(save)/")
      }
      let output = format == "json" ? CheckResult.render(run.jsonObject(measurements: !noMeasurements)) : run.text(measurements: !noMeasurements)
      return CommandOutput(output: output, diagnostics: diagnostics.joined(separator: "\n"), exitCode: run.passed ? 0 : 1)
    }

    static func exitCode(_ verdict: CheckVerdict) -> Int32 {
      switch verdict {
      case .noViolation: 0
      case .violation: 1
      case .stopped: 3
      }
    }

    static func check(
      _ strategy: some SwitchStrategy, _ configuration: CheckConfiguration, random: (seed: UInt64, steps: Int)?,
      progress: (@Sendable (String) -> Void)?
    ) async -> CheckResult {
      let status = progress.map { report in
        { @Sendable (status: CheckProgress) in
          let memory = status.residentBytes.map { " \($0 / 1_048_576) MiB" } ?? ""
          let rate = status.seconds > 0 ? Int(Double(status.states) / status.seconds) : 0
          report("\(status.states) states, \(status.transitions) transitions, depth \(status.depth), \(rate) states/s\(memory)")
        }
      }
      if let random {
        return RandomExplorer(strategy: strategy, configuration: configuration, seed: random.seed, steps: random.steps)
          .run(progress: status)
      }
      return await configuration.check(strategy, progress: status)
    }

    /// A status line rewritten in place on a terminal's standard error; nothing on a pipe.
    static let terminalProgress: (@Sendable (String) -> Void)? =
      isatty(STDERR_FILENO) != 0
      ? { @Sendable line in FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8)) } : nil
  }
}

extension IOPB.Check {
  /// `iopb check merge FILE...`: combines the JSON results of `--shard i/n` runs.
  public struct Merge: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Combine the JSON results of sharded `iopb check --shard i/n --format json` runs.",
      discussion: """
        Exit 0 when no shard found a violation, 1 when one did (the shortest counterexample is \
        printed), 3 when a shard was stopped by a bound or shards are missing, 64 for a file \
        that is not such a result or shards that ran different bounds.
        """)

    /// The largest result file read, in bytes (64 MiB); a shard's result is a few kilobytes.
    static let fileByteLimit = 64 << 20

    @Argument(help: "Result files (JSON).") var files: [String]
    @Option(help: "Output format: text or json.") var format = "text"

    public init() {}

    public func validate() throws {
      guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json, not '\(format)'") }
    }

    public func run() throws { try execute().emit() }

    /// Reads and merges the files.
    public func execute() -> CommandOutput {
      var contents: [(name: String, contents: Data)] = []
      for file in files {
        do throws(InputError) {
          let reader = try LineReader(path: file, byteLimit: Self.fileByteLimit)
          contents.append((file, Data(try reader.remainingBytes())))
        } catch {
          return CommandOutput(diagnostics: error.description, exitCode: CommandOutput.usageError)
        }
      }
      let merged: [String: Any]
      do { merged = try CheckMerge.merge(contents) } catch {
        return CommandOutput(diagnostics: error.description, exitCode: CommandOutput.usageError)
      }
      let result = merged["result"] as? String
      let complete = merged["complete"] as? Bool ?? true
      let code: Int32 = result == "violation" ? 1 : (result == "stopped" || !complete) ? 3 : 0
      return CommandOutput(
        output: format == "json" ? CheckResult.render(merged) : CheckMerge.text(merged), exitCode: code)
    }
  }
}
