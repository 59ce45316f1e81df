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
  /// 1. Simulated context switches per second for each strategy on one workload.
  /// 2. Nanoseconds per CPU permission check (``IOPermissionCheck/decide``).
  /// 3. Each strategy's own time per switch when two tasks with 8 KiB bitmaps alternate on one
  ///    CPU, against a plain `memcpy` of the bytes it copied, in the same chunk size.
  public struct Bench: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Measure simulated switches per second, CPU check cost and copy cost vs memcpy.")

    /// The workload whose simulation is timed.
    @Option(help: "The built-in workload to time.")
    var workload = WorkloadName(Workload.highPort.name)

    /// Strategy names; empty means the whole catalogue.
    @Option(name: .customLong("strategy"), help: "A strategy (repeatable; default: all).")
    var strategies: [StrategyName] = []

    /// Context switches per timed simulation and per alternation measurement.
    @Option(help: "Context switches simulated per strategy.")
    var switches = 2000

    /// Permission checks timed.
    @Option(help: "CPU permission checks timed.")
    var checks = 1_000_000

    /// A trace to time instead (`Bench+Replay.swift`): events per second read, parsed, replayed.
    @Option(help: "Time reading, parsing and replaying this trace on the first --strategy (default linux-5.5) instead.")
    var replay: String?

    /// --ioperm specifications for --replay, as `iopb replay` takes them.
    @Option(name: .customLong("ioperm"), help: "With --replay: I/O-port users, as for `iopb replay`.")
    var ioPortUsers: [String] = []

    /// Runs of each --replay pass; the fastest counts.
    @Option(help: "With --replay: runs of each pass (the fastest counts).")
    var repeats = 5

    public init() {}

    /// Rejects an unknown workload or strategy name and a count ≤ 0.
    public func validate() throws {
      _ = try choices()
    }

    /// Takes the measurements and renders them (exit 0); exit 64 for options ``validate()``
    /// rejects.
    public func execute() -> CommandOutput {
      let chosen: (workload: Workload, strategies: [any SwitchStrategy])
      do { chosen = try choices() } catch { return .usage(error.message) }
      if let replay { return replayOutput(trace: replay, strategy: chosen.strategies.first ?? Linux55Strategy()) }
      let strategies = chosen.strategies.isEmpty ? StrategyCatalog.all : chosen.strategies
      let run = chosen.workload.with(duration: .switches(switches))
      var lines = [
        "bench: workload \(chosen.workload.name), \(switches) switches per strategy, \(Self.buildKind) build"
      ]

      var measured: [(name: String, perSecond: Double, clean: Bool)] = []
      for strategy in strategies {
        var result: SimulationResult?
        let seconds = HostTiming.seconds { result = Simulator.simulate(run, strategy: strategy) }
        let switchCount = result?.switches ?? 0
        measured.append((strategy.name, Double(switchCount) / max(seconds, 1e-9), result?.isClean ?? false))
      }
      let fastest = measured.filter(\.clean).map(\.perSecond).max() ?? 1
      lines += TextTable(
        columns: [.left, .right, .right],
        rows: [["strategy", "switches/s", "vs fastest"]]
          + measured.map {
            $0.clean
              ? [$0.name, FixedPoint.format($0.perSecond, digits: 0), FixedPoint.format($0.perSecond / fastest, digits: 3)]
              : [$0.name, "stopped", "(violation)"]
          }
      ).lines

      lines.append("")
      lines.append(
        "two tasks with 8 KiB bitmaps (ports 0xfff8, 0xffe0) alternating on one CPU, one access each, \(switches) switches:")
      var alternationRows: [[String]] = []
      for strategy in strategies {
        guard let alternation = Self.alternation(strategy, switches: switches) else {
          alternationRows.append([strategy.name, "stopped", "(violation)", "-", "-"])
          continue
        }
        let perSwitch = alternation.seconds * 1e9 / Double(switches)
        let bytesPerSwitch = Double(alternation.counts.bytesCopied) / Double(switches)
        var memcpyCells = ["-", "-"]
        if alternation.counts.copies > 0 {
          let memcpySeconds = HostTiming.memcpySeconds(
            bytes: alternation.counts.bytesCopied, copies: alternation.counts.copies)
          let memcpyPerSwitch = memcpySeconds * 1e9 / Double(switches)
          memcpyCells = [
            FixedPoint.format(memcpyPerSwitch, digits: 1),
            FixedPoint.format(perSwitch / max(memcpyPerSwitch, 1e-9), digits: 1),
          ]
        }
        alternationRows.append(
          [strategy.name, FixedPoint.format(perSwitch, digits: 1), FixedPoint.format(bytesPerSwitch, digits: 1)]
            + memcpyCells)
      }
      lines += TextTable(
        columns: [.left, .right, .right, .right, .right],
        rows: [["strategy", "ns/switch", "bytes/switch", "memcpy ns", "vs memcpy"]] + alternationRows
      ).lines
      lines.append("")

      let checkNanoseconds = Self.nanosecondsPerCheck(count: checks)
      let switchNanoseconds = measured.filter(\.clean).map { 1e9 / $0.perSecond }.min() ?? 0
      lines.append(
        "cpu check: \(FixedPoint.format(checkNanoseconds, digits: 2)) ns per IOPermissionCheck.decide over \(checks) checks; "
          + "the fastest simulated switch costs \(FixedPoint.format(switchNanoseconds / max(checkNanoseconds, 1e-9), digits: 0)) checks")
      return CommandOutput(output: lines.joined(separator: "\n"))
    }

    public func run() throws {
      try execute().emit()
    }

    /// The workload and strategies the options name (no strategies means all), once the counts
    /// are known to be positive.
    private func choices() throws(ValidationError) -> (workload: Workload, strategies: [any SwitchStrategy]) {
      guard switches > 0, checks > 0 else { throw ValidationError("--switches and --checks must be positive") }
      guard repeats > 0 else { throw ValidationError("--repeats must be positive, not \(repeats)") }
      for spec in ioPortUsers {
        do { _ = try IOPortUser(parsing: spec) } catch { throw ValidationError(error.description) }
      }
      return (try workload.resolved(), try strategies.resolved())
    }

    /// "release", or "debug" with a warning: debug numbers do not represent the design.
    static var buildKind: String {
      var debug = false
      assert({ debug = true; return true }())
      return debug ? "debug (use -c release for representative numbers)" : "release"
    }

    /// Seconds for `switches` alternations of two tasks with full-size bitmaps on one CPU (switch,
    /// return to user, one port access), and what the strategy did; nil if a step is refused or
    /// an access violates the double check (a design that cannot grant these ports).
    static func alternation(_ strategy: any SwitchStrategy, switches: Int) -> (seconds: Double, counts: OperationCounts)? {
      alternationOpened(strategy, switches: switches)
    }

    static func alternationOpened<Strategy: SwitchStrategy>(
      _ strategy: Strategy, switches: Int
    ) -> (seconds: Double, counts: OperationCounts)? {
      var machine = Machine(strategy: strategy, cpuCount: 1)
      let ports: [UInt16] = [0xfff8, 0xffe0]
      var threads: [ThreadID] = []
      do {
        for port in ports {
          let thread = try machine.spawn(credentials: .root, on: 0)
          for step in machine.preparation(for: thread) { _ = try machine.apply(step) }
          _ = try machine.apply(.syscall(thread, .ioperm(from: UInt64(port), count: 1, turnOn: true)))
          threads.append(thread)
        }
      } catch {
        return nil
      }
      let before = machine.counts
      var refused = false
      let seconds = HostTiming.seconds {
        for index in 0..<switches {
          let thread = threads[index % 2]
          do {
            for step in machine.preparation(for: thread) { _ = try machine.apply(step) }
            if try machine.apply(.access(cpu: 0, IOAccess(.in, port: ports[index % 2]))).violation != nil {
              refused = true
              return
            }
          } catch {
            refused = true
            return
          }
        }
      }
      return refused ? nil : (seconds, machine.counts.since(before))
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
      let seconds = HostTiming.seconds {
        for index in 0..<count where IOPermissionCheck.decide(accesses[index & 1023], tss: tss).isAllowed {
          allowed += 1
        }
      }
      return allowed < 0 ? 0 : seconds * 1e9 / Double(count)
    }
  }
}
