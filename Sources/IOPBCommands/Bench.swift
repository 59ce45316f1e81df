import ArgumentParser
import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBMachine
import IOPBSimulator
import IOPBStrategies
import IOPBText

extension IOPB {
  /// `iopb bench`: host-time measurements taken side by side in one run, reported as ratios
  /// (absolute host timings vary from run to run; ratios are what to compare).
  ///
  /// 1. Simulated context switches per second for each strategy on one workload, and the aim
  ///    for the designs that copy nothing at a switch: 2 million per second on one core.
  /// 2. Each strategy's own time per switch when two tasks with 8 KiB bitmaps alternate on one
  ///    CPU, against a `memcpy` of the bytes it copied, in the same chunk size, laid out as
  ///    Linux copies them (into the TSS at the map's offset, from each task's bitmap in turn:
  ///    ``HostTiming/tssLayoutMemcpySeconds(bytes:copies:mapOffset:placement:)``), timed in the
  ///    same rounds (the best of ``rounds`` each, both sides' memory at another placement in each
  ///    round: docs/compare.md), and the aim for the designs that copy a bitmap
  ///    (``copyingBytesPerSwitch``): within 2× that `memcpy`. Beside it, the ratio to a plain
  ///    aligned `memcpy` from one hot source, the fastest such a copy can be.
  /// 3. Nanoseconds per CPU permission check (``IOPermissionCheck/decide``).
  ///
  /// Every figure is this thread's CPU time (``HostTiming/threadCPUSeconds(_:)``): one core's
  /// work, which other processes on a shared machine do not inflate as they do wall time.
  public struct Bench: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Measure simulated switches per second, CPU check cost and copy cost vs memcpy.")

    /// The workload whose simulation is timed.
    @Option(help: "The built-in workload to time.")
    var workload = WorkloadName(Workload.highPort.name)

    /// Strategy names; empty means the whole catalogue.
    @Option(name: .customLong("strategy"), help: "A strategy (repeatable; default: all).")
    var strategies: [StrategyName] = []

    /// Context switches per timed simulation and per alternation measurement: enough that a
    /// run's start (boot, first allocations) is a small part of it, so that the rate is the
    /// engine's steady one.
    @Option(help: "Context switches simulated per strategy.")
    var switches = 200_000

    /// Permission checks timed.
    @Option(help: "CPU permission checks timed.")
    var checks = 1_000_000

    /// A trace to time instead (`Bench+Replay.swift`): events per second read, parsed, replayed.
    @Option(help: "Time reading, parsing and replaying this trace on the first --strategy (default linux-5.5) instead.")
    var replay: String?

    /// `--ioperm` for --replay, as `iopb replay` takes it.
    @OptionGroup var ioPortUsers: IOPortUserOptions

    /// Runs of each --replay pass; the fastest counts.
    @Option(help: "With --replay: runs of each pass (the fastest counts).")
    var repeats = 5

    /// Seconds after which no further measurement starts.
    @Option(help: "Start no measurement after this many seconds and print those taken (exit 3); SIGINT does the same.")
    var timeout: Double?

    public init() {}

    /// Simulated switches per second on one core the designs that copy nothing should reach.
    public static let switchesPerSecondAim = 2_000_000.0
    /// How many times the `memcpy` of its bytes a copying switch may take.
    public static let copyRatioAim = 2.0
    /// Bytes per switch from which a design counts as copying a bitmap for that aim: a few
    /// bytes (V1's zero range) cost less than the switch around them, whatever the design.
    public static let copyingBytesPerSwitch = 4096.0
    /// Rounds of each side-by-side measurement; the best of each side is reported.
    static let rounds = 5

    /// Rejects an unknown workload or strategy name, a count ≤ 0 or above its maximum
    /// (``RunLength``) and a timeout that is not a positive number of seconds.
    public func validate() throws {
      _ = try choices()
    }

    /// Takes the measurements and renders them (exit 0); exit 64 for options ``validate()``
    /// rejects; 3 when `--timeout` or SIGINT stopped it (what was measured is printed).
    public func execute() -> CommandOutput {
      let chosen: (workload: Workload, strategies: [any SwitchStrategy])
      do { chosen = try choices() } catch { return .usage(error.message) }
      if let replay { return replayOutput(trace: replay, strategy: chosen.strategies.first ?? Linux55Strategy()) }
      let strategies = chosen.strategies.isEmpty ? StrategyCatalog.all : chosen.strategies
      let run = chosen.workload.with(duration: .switches(switches))
      let longRun = LongRun("bench", timeout: timeout)
      defer { longRun.finish() }
      var lines = [
        "bench: workload \(chosen.workload.name), \(switches) switches per strategy, best of \(Self.rounds) rounds, \(Self.buildKind) build"
      ]

      // Rounds go over every strategy in turn, so that a slow spell of the shared machine
      // spoils one round of each rather than every round of one.
      var best = [Rate?](repeating: nil, count: strategies.count)
      rounds: for round in 1...Self.rounds {
        for (index, strategy) in strategies.enumerated() {
          guard !longRun.shouldStop else { break rounds }
          var result: SimulationResult?
          let control = longRun.control { "\(strategy.name), round \(round):" }
          let seconds = HostTiming.threadCPUSeconds {
            result = Simulator.simulate(run, strategy: strategy, control: control)
          }
          guard let result, !result.partial || best[index] == nil else { break rounds }
          let rate = Rate(
            name: strategy.name, perSecond: Double(result.switches) / max(seconds, 1e-9), clean: result.isClean,
            copies: result.switchCounts.bytesCopied > 0)
          if best[index].map({ rate.perSecond > $0.perSecond }) ?? true { best[index] = rate }
        }
      }
      let measured = best.compactMap { $0 }
      lines += Self.rateLines(measured)

      lines.append("")
      lines.append(
        "two tasks with 8 KiB bitmaps (ports 0xfff8, 0xffe0) alternating on one CPU, one access each, \(switches) switches; "
          + "memcpy of the same bytes timed in the same rounds, into the TSS at the map's offset from each task's "
          + "bitmap in turn as Linux lays them out (memcpy), and aligned from one hot source (aligned):")
      var alternations: [AlternationRow] = []
      rounds: for round in 1...Self.rounds {
        for (index, strategy) in strategies.enumerated() {
          guard !longRun.shouldStop else { break rounds }
          longRun.report("alternation of \(strategy.name), round \(round)")
          if alternations.count == index { alternations.append(AlternationRow(name: strategy.name)) }
          Self.alternationRound(strategy, switches: switches, placement: round - 1, into: &alternations[index])
        }
      }
      lines += Self.alternationLines(alternations, switches: switches)
      lines.append("")

      if !longRun.shouldStop {
        longRun.report("cpu check")
        let checkNanoseconds = Self.nanosecondsPerCheck(count: checks)
        let switchNanoseconds = measured.filter(\.clean).map { 1e9 / $0.perSecond }.min() ?? 0
        lines.append(
          "cpu check: \(FixedPoint.format(checkNanoseconds, digits: 2)) ns per IOPermissionCheck.decide over \(checks) checks; "
            + "the fastest simulated switch costs \(FixedPoint.format(switchNanoseconds / max(checkNanoseconds, 1e-9), digits: 0)) checks")
      }
      guard longRun.wasStopped else { return CommandOutput(output: lines.joined(separator: "\n")) }
      return CommandOutput(
        output: lines.joined(separator: "\n"),
        diagnostics: "bench: \(longRun.reason); the measurements above are those taken",
        exitCode: CommandOutput.stopped)
    }

    public func run() throws {
      LongRun.installInterruptHandler()
      try execute().emit()
    }

    /// One strategy's best simulation rate.
    struct Rate {
      var name: String
      var perSecond: Double
      var clean: Bool
      /// Some switch of the run copied bytes into a TSS.
      var copies: Bool
    }

    /// The rate table and the aim for the designs that copy nothing at a switch.
    static func rateLines(_ measured: [Rate]) -> [String] {
      let fastest = measured.filter(\.clean).map(\.perSecond).max() ?? 1
      var lines = TextTable(
        columns: [.left, .right, .right, .right],
        rows: [["strategy", "switches/s", "vs fastest", "copies"]]
          + measured.map {
            $0.clean
              ? [
                $0.name, FixedPoint.format($0.perSecond, digits: 0), FixedPoint.format($0.perSecond / fastest, digits: 3),
                $0.copies ? "yes" : "no",
              ]
              : [$0.name, "stopped", "(violation)", "-"]
          }
      ).lines
      let plain = measured.filter { $0.clean && !$0.copies }
      if let slowest = plain.min(by: { $0.perSecond < $1.perSecond }) {
        let ratio = slowest.perSecond / switchesPerSecondAim
        lines.append(
          "aim: designs that copy nothing at a switch ≥ \(FixedPoint.format(switchesPerSecondAim, digits: 0)) switches/s on one core; "
            + "slowest \(slowest.name) \(FixedPoint.format(slowest.perSecond, digits: 0)) = "
            + "\(FixedPoint.format(ratio, digits: 2))× the aim (\(ratio >= 1 ? "met" : "not met"))")
      }
      return lines
    }

    /// One strategy's alternation against `memcpy`: best seconds of each over the rounds, and
    /// what the strategy did; nil seconds when a step was refused or violated the double check.
    struct AlternationRow {
      var name: String
      var seconds: Double?
      var counts = OperationCounts()
      var memcpySeconds: Double?
      var alignedSeconds: Double?
      /// A step was refused or violated the double check: no further rounds.
      var refused = false
    }

    /// One round of `strategy`'s alternation and, when it copies, of the `memcpy` of its bytes
    /// right after, both with their memory at `placement` (a round's own), each kept in `row`
    /// when it beats the rounds before.
    static func alternationRound(
      _ strategy: any SwitchStrategy, switches: Int, placement: Int, into row: inout AlternationRow
    ) {
      guard !row.refused else { return }
      guard let alternation = Self.alternation(strategy, switches: switches, placement: placement) else {
        row = AlternationRow(name: strategy.name, refused: true)
        return
      }
      row.seconds = min(row.seconds ?? .infinity, alternation.seconds)
      row.counts = alternation.counts
      let counts = alternation.counts
      if counts.copies > 0 {
        let mapOffset = LinuxTSSLayout(portCount: KernelConfiguration().portCount).validMap
        let memcpy = HostTiming.tssLayoutMemcpySeconds(
          bytes: counts.bytesCopied, copies: counts.copies, mapOffset: mapOffset, placement: placement)
        row.memcpySeconds = min(row.memcpySeconds ?? .infinity, memcpy)
        let aligned = HostTiming.memcpySeconds(bytes: counts.bytesCopied, copies: counts.copies, placement: placement)
        row.alignedSeconds = min(row.alignedSeconds ?? .infinity, aligned)
      }
    }

    /// The alternation table and the aim for the designs that copy.
    static func alternationLines(_ rows: [AlternationRow], switches: Int) -> [String] {
      var worst: (name: String, ratio: Double)?
      let cells = rows.map { row -> [String] in
        guard let seconds = row.seconds else { return [row.name, "stopped", "(violation)", "-", "-", "-", "-"] }
        let perSwitch = seconds * 1e9 / Double(switches)
        let bytesPerSwitch = Double(row.counts.bytesCopied) / Double(switches)
        guard let memcpySeconds = row.memcpySeconds, let alignedSeconds = row.alignedSeconds else {
          return [row.name, FixedPoint.format(perSwitch, digits: 1), FixedPoint.format(bytesPerSwitch, digits: 1)]
            + Array(repeating: "-", count: 4)
        }
        let memcpyPerSwitch = memcpySeconds * 1e9 / Double(switches)
        let alignedPerSwitch = alignedSeconds * 1e9 / Double(switches)
        let ratio = perSwitch / max(memcpyPerSwitch, 1e-9)
        if bytesPerSwitch >= copyingBytesPerSwitch, worst.map({ ratio > $0.ratio }) ?? true { worst = (row.name, ratio) }
        return [
          row.name, FixedPoint.format(perSwitch, digits: 1), FixedPoint.format(bytesPerSwitch, digits: 1),
          FixedPoint.format(memcpyPerSwitch, digits: 1), FixedPoint.format(ratio, digits: 2),
          FixedPoint.format(alignedPerSwitch, digits: 1), FixedPoint.format(perSwitch / max(alignedPerSwitch, 1e-9), digits: 2),
        ]
      }
      var lines = TextTable(
        columns: [.left, .right, .right, .right, .right, .right, .right],
        rows: [["strategy", "ns/switch", "bytes/switch", "memcpy ns", "vs memcpy", "aligned ns", "vs aligned"]] + cells
      ).lines
      if let worst {
        lines.append(
          "aim: a switch copying ≥ \(FixedPoint.format(copyingBytesPerSwitch, digits: 0)) bytes within "
            + "\(FixedPoint.format(copyRatioAim, digits: 0))× the memcpy of its bytes into the TSS; "
            + "worst \(worst.name) \(FixedPoint.format(worst.ratio, digits: 2))× (\(worst.ratio <= copyRatioAim ? "met" : "not met"))")
      }
      return lines
    }

    /// The workload and strategies the options name (no strategies means all), once the counts
    /// are known to be in range.
    private func choices() throws(ValidationError) -> (workload: Workload, strategies: [any SwitchStrategy]) {
      try RunLength.check(switches, "--switches", maximum: RunLength.switches)
      try RunLength.check(checks, "--checks", maximum: RunLength.checks)
      try RunLength.check(timeout: timeout)
      guard (1...1000).contains(repeats) else { throw ValidationError("--repeats must be 1 to 1000, not \(repeats)") }
      _ = try ioPortUsers.users()
      return (try workload.resolved(), try strategies.resolved())
    }

    /// "release", or "debug" with a warning: debug numbers do not represent the design.
    static var buildKind: String {
      var debug = false
      assert({ debug = true; return true }())
      return debug ? "debug (use -c release for representative numbers)" : "release"
    }

    /// Seconds for `switches` alternations of two tasks with full-size bitmaps on one CPU
    /// (``SwitchAlternation``), and what the strategy did; nil if a step is refused or an access
    /// violates the double check (a design that cannot grant these ports).
    static func alternation(
      _ strategy: any SwitchStrategy, switches: Int, placement: Int
    ) -> (seconds: Double, counts: OperationCounts)? {
      SwitchAlternation.run(strategy, switches: switches, placement: placement, timing: HostTiming.threadCPUSeconds)
        .map { ($0.seconds, $0.counts) }
    }

    /// Nanoseconds per hardware check over a TSS holding a Linux bitmap with a few ports open.
    static func nanosecondsPerCheck(count: Int) -> Double {
      let layout = LinuxTSSLayout(portCount: 65536)
      var tss = layout.bootTSS()
      tss.ioMapBase = UInt16(layout.validMap)
      tss.fill(0x00, at: layout.validMap + 0x378 / 8, count: 1)
      var random = SimulationRandom(seed: 7)
      let accesses = (0..<1024).map { _ in IOAccess(.in, port: UInt16(random.uniform(0...0xFFFF))) }
      var allowed = 0
      let seconds = HostTiming.threadCPUSeconds {
        for index in 0..<count where IOPermissionCheck.decide(accesses[index & 1023], tss: tss).isAllowed {
          allowed += 1
        }
      }
      return allowed < 0 ? 0 : seconds * 1e9 / Double(count)
    }
  }
}
