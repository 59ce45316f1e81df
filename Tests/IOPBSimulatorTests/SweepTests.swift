import IOPBCost
import IOPBSimulator
import IOPBStrategies
import Testing

@Suite struct SweepAxisTests {
  struct Good: Sendable, CustomTestStringConvertible {
    var text: String
    var parameter: SweepParameter
    var values: [String]
    var testDescription: String { text }
  }

  static let good: [Good] = [
    Good(text: "invlpg=100...300:100", parameter: .cost(.pageInvalidation), values: ["100", "200", "300"]),
    Good(text: "ltr=20,150, 300", parameter: .cost(.taskRegisterLoad), values: ["20", "150", "300"]),
    Good(text: "extent=8...64:x2", parameter: .extent, values: ["8", "16", "32", "64"]),
    Good(text: "io-share=0...0.2:0.05", parameter: .ioShare, values: ["0", "0.05", "0.1", "0.15", "0.2"]),
    Good(text: "copy.per_byte.cold=0.3...0.5:0.1", parameter: .cost(.copyPerByteCold), values: ["0.3", "0.4", "0.5"]),
    Good(text: "residency=l1,cold,auto", parameter: .residency, values: ["l1", "cold", "auto"]),
    Good(text: "ltr=150", parameter: .cost(.taskRegisterLoad), values: ["150"]),
    Good(text: "invlpg", parameter: .cost(.pageInvalidation), values: stride(from: 200, through: 880, by: 40).map { "\($0)" }),
    Good(text: "extent", parameter: .extent, values: (3...13).map { "\(1 << $0)" }),
  ]

  @Test(arguments: good)
  func parsesGrids(_ testCase: Good) throws {
    let axis = try SweepAxis.parse(testCase.text)
    #expect(axis.parameter == testCase.parameter)
    #expect(axis.values.map(\.description) == testCase.values)
  }

  static let bad: [(String, String)] = [
    ("bogus=1", "unknown parameter 'bogus'"),
    ("invlpg=abc", "'abc' is not a number"),
    ("invlpg=100...300", "a range needs a step"),
    ("invlpg=300...100:10", "the range runs backwards"),
    ("invlpg=100...300:0", "the step must be above 0"),
    ("extent=8...64:x1", "the factor must be above 1"),
    ("extent=12", "extent 12 is not a whole number of 8-byte longs"),
    ("extent=16384", "extent 16384 is not a whole number"),
    ("io-share=0.33", "io-share 0.33 is not a multiple of 1/20"),
    ("ltr=-5", "ltr -5 must be from 0 to 1e9"),
    ("clock.ghz=0", "clock.ghz 0 must be above 0"),
    ("residency=l3", "'l3' is not auto, l1, l2 or cold"),
    ("ltr=0...1e6:0.1", "more than 1000 values"),
    ("switch.base", "no cited range for 'switch.base'"),
    ("ltr=", "no values after '='"),
  ]

  @Test(arguments: bad)
  func refusesMalformedAxesWithOneLine(_ text: String, _ message: String) {
    #expect(throws: SweepError.self) { try SweepAxis.parse(text) }
    do {
      _ = try SweepAxis.parse(text)
    } catch {
      #expect(error.description.hasPrefix("--axis '\(text)': "))
      #expect(error.description.contains(message), "\(error.description)")
      #expect(!error.description.contains("\n"))
    }
  }
}

@Suite struct SwitchCostingTests {
  /// Profiles that change every priced figure family, the residency included.
  static func profiles(seed: UInt64) -> [CycleProfile] {
    var random = SimulationRandom(seed: seed)
    var result: [CycleProfile] = []
    for residency in [nil, CopyResidency.l1, .l2, .cold] {
      var profile = CycleProfile.default
      for key in [CostKey.pageInvalidation, .taskRegisterLoad, .copyPerByteL2, .copyPerByteCold, .fillPerByte, .gdtLoad] {
        profile.figures[key] = CostFigure(Double(random.next() % 1000) / 7, source: "test")
      }
      profile.residency = residency
      result.append(profile)
    }
    return result
  }

  /// Re-pricing the counts of one run gives the mean a run under the other profile gives.
  @Test(arguments: ["linux-5.5", "linux-2.6.8-full", "remap-invlpg", "per-thread-tss-ltr", "lazy-gp-copy", "xen-pv"])
  func repricingMatchesARunUnderTheProfile(_ name: String) throws {
    let strategy = try #require(StrategyCatalog.strategy(named: name))
    let seed: UInt64 = 20_191_107
    for workload in [
      Workload.roundRobin(extentBytes: 2048, ioShare: 0.4, switches: 300), Workload.highPort.with(duration: .switches(300)),
      Workload.migrationHeavy.with(duration: .switches(300)),
    ] {
      let costing = SwitchCosting(inferredRun: Simulator.simulate(workload, strategy: strategy))
      for profile in Self.profiles(seed: seed) {
        let direct = Simulator.simulate(workload, strategy: strategy, profile: profile).statistics.mean
        let repriced = costing.meanCycles(under: profile)
        #expect(
          abs(direct - repriced) <= 1e-9 * max(1, abs(direct)),
          "\(workload.name) × \(name), residency \(profile.residency?.rawValue ?? "auto"), seed \(seed): \(direct) vs \(repriced)")
      }
    }
  }
}

@Suite struct RoundRobinWorkloadTests {
  /// The full copy moves 8 KiB into the TSS on every switch to a user, so bytes per switch
  /// over 8192 is the share of switches into a user, but for each user's first run, where its
  /// own `ioperm` makes the copy (20 of the 1000 switches); `ioperm` is called once per user.
  @Test(arguments: [0.0, 0.05, 0.25, 0.5, 1.0])
  func shareIsTheShareOfSwitchesIntoAUser(_ share: Double) throws {
    let strategy = try #require(StrategyCatalog.strategy(named: "linux-2.6.8-full"))
    let result = Simulator.simulate(Workload.roundRobin(extentBytes: 8192, ioShare: share), strategy: strategy)
    #expect(result.isClean)
    #expect(result.activity.permissionCalls == Int((share * 20).rounded()))
    let copiedShare = Double(result.switchCounts.bytesCopied) / 8192 / Double(result.switches)
    #expect(copiedShare <= share && copiedShare >= share * (1 - 20.0 / 1000) - 1e-9, "copied share \(copiedShare)")
  }

  /// linux-5.5 copies each user's extent (`max(prev_max, max)`) on the way back to user mode.
  @Test(arguments: [8, 128, 1024, 8192])
  func linux55CopiesTheExtent(_ extent: Int) throws {
    let strategy = try #require(StrategyCatalog.strategy(named: "linux-5.5"))
    let result = Simulator.simulate(Workload.roundRobin(extentBytes: extent, ioShare: 0.5), strategy: strategy)
    #expect(result.isClean)
    let perCopy = Double(result.switchCounts.bytesCopied) / Double(max(1, result.switchCounts.copies))
    #expect(abs(perCopy - Double(extent)) < 1, "bytes per copy \(perCopy)")
  }
}

@Suite struct SweepTests {
  /// Sweeping INVLPG from 0 finds where remap + INVLPG stops being cheaper than the full copy,
  /// and the designs' costs are equal there.
  @Test func invlpgCrossoverIsWhereTheCostsMeet() throws {
    let strategies = try ["linux-2.6.8-full", "remap-invlpg"].map { try #require(StrategyCatalog.strategy(named: $0)) }
    let sweep = Sweep(
      axes: [try SweepAxis.parse("invlpg=0...400:20")], strategies: strategies, switches: 400)
    let result = try sweep.run()
    let change = try #require(result.crossovers.first)
    #expect(result.crossovers.count == 1)
    #expect(change.from == "remap-invlpg")
    #expect(change.to == "linux-2.6.8-full")
    let at = try #require(change.at)
    #expect(try #require(change.lower.number) <= at && at <= (try #require(change.upper.number)))
    var priced = CycleProfile.default
    priced.figures[.pageInvalidation] = CostFigure(at, source: "test")
    let check = Sweep(axes: [SweepAxis(parameter: .cost(.pageInvalidation), values: [.number(at)])], strategies: strategies, profile: .default, switches: 400)
    let point = try #require(try check.run().points.first)
    let full = try #require(point.cycles(of: "linux-2.6.8-full"))
    let remap = try #require(point.cycles(of: "remap-invlpg"))
    #expect(abs(full - remap) < 0.01, "at invlpg \(at): \(full) vs \(remap)")
  }

  /// A profile axis runs each strategy once per workload; the result is the same on a second
  /// sweep (determinism) and the grid has one point per value.
  @Test func profileAxesRepriceOneRunAndAreDeterministic() throws {
    let sweep = Sweep(
      axes: [try SweepAxis.parse("ltr=20...300:140"), try SweepAxis.parse("residency=l1,cold")],
      workloads: [.highPort, .dosemu], strategies: StrategyCatalog.all, switches: 100)
    var lines: [String] = []
    let first = try sweep.run(progress: { lines.append($0) })
    #expect(lines.count == 2 * StrategyCatalog.all.count)
    #expect(first.points.count == 2 * 3 * 2)
    #expect(first == (try sweep.run()))
    // The per-thread TSS pays LTR: its cost grows with it; the copy designs' does not.
    let perThread = first.points.filter { $0.workload == "high-port" && $0.values[1] == .residency(.l1) }
      .compactMap { $0.cycles(of: "per-thread-tss-ltr") }
    #expect(perThread.count == 3 && perThread[0] < perThread[1] && perThread[1] < perThread[2])
  }

  @Test func workloadAxesNeedTheRoundRobinWorkload() throws {
    let sweep = Sweep(axes: [try SweepAxis.parse("extent")], workloads: [.highPort])
    #expect(sweep.problem?.message.contains("cannot be combined with --workload") == true)
    #expect(Sweep(axes: []).problem != nil)
    let twice = Sweep(axes: [try SweepAxis.parse("ltr=1"), try SweepAxis.parse("ltr=2")])
    #expect(twice.problem?.message.contains("given twice") == true)
  }
}

@Suite struct CrossoverTests {
  static func point(_ x: Double, _ costs: [(String, Double?)]) -> SweepPoint {
    SweepPoint(
      workload: "w", values: [.number(x)],
      cells: costs.map { SweepCell(strategy: $0.0, cycles: $0.1, violations: $0.1 == nil ? 1 : 0, explained: true, failure: nil) })
  }

  @Test func changeIsInterpolatedBetweenGridPoints() {
    // a = x, b = 10 - x: equal at 5, between grid points 4 and 6.
    let points = stride(from: 0.0, through: 10, by: 2).map { x in Self.point(x, [("a", x), ("b", 10 - x)]) }
    let changes = Crossover.changes(along: points, fixed: nil)
    #expect(changes.count == 1)
    #expect(changes.first?.from == "a" && changes.first?.to == "b")
    #expect(changes.first?.at == 5)
    #expect(changes.first?.lower == .number(4) && changes.first?.upper == .number(6))
  }

  @Test func aTieThatResolvesIsNoChange() {
    let points = [Self.point(0, [("a", 0), ("b", 0)]), Self.point(1, [("a", 1), ("b", 2)]), Self.point(2, [("a", 2), ("b", 2)])]
    #expect(Crossover.changes(along: points, fixed: nil).isEmpty)
  }

  @Test func aGapLeavesTheChangeUninterpolated() {
    let points = [Self.point(0, [("a", 1), ("b", 2)]), Self.point(1, [("a", nil), ("b", 2)])]
    let changes = Crossover.changes(along: points, fixed: nil)
    #expect(changes.count == 1 && changes.first?.at == nil)
  }

  @Test func lineCrossingsFindEachPairOnce() {
    let xs = [0.0, 1, 2, 3]
    let crossings = LineCrossing.all(
      xs: xs, lines: [("up", [0, 1, 2, 3]), ("down", [3, 2, 1, 0]), ("flat", [1, 1, 1, 1]), ("touch", [3, 2, 2, 3])])
    let pairs = crossings.map { "\($0.first)×\($0.second)@\($0.x)" }
    #expect(pairs.contains("up×down@1.5"))
    #expect(pairs.contains("up×flat@1.0"))
    #expect(pairs.contains("down×flat@2.0"))
    // "up" stays below "touch" until it meets it at the last point: touching is no crossing.
    #expect(!pairs.contains { $0.hasPrefix("up×touch") || $0.hasPrefix("flat×touch") })
    #expect(crossings.allSatisfy { $0.x >= 0 && $0.x <= 3 })
  }
}
