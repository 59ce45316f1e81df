import IOPBCost
import IOPBStrategies

/// One or two parameters swept over a grid: each strategy's mean added cycles per context
/// switch at every point, and where the cheapest design changes (`iopb sweep`, `iopb report`).
///
/// A point's profile is the base profile with the axes' figures set (sourced `iopb sweep`). A
/// run is simulated once per workload, strategy and value of the parameters that change it
/// (``SweepParameter/changesRun``), always with the residency inferred per copy, and priced at
/// each point by ``SwitchCosting``; so sweeping INVLPG, LTR or the residency costs one run.
public struct Sweep: Sendable {
  public var axes: [SweepAxis]
  /// Built-in workloads to sweep profile figures over; nil for
  /// ``Workload/roundRobin(extentBytes:ioShare:switches:)``, which the workload axes need.
  public var workloads: [Workload]?
  public var strategies: [any SwitchStrategy]
  public var profile: CycleProfile
  /// Replaces every workload's seed.
  public var seed: UInt64?
  /// Replaces every workload's duration by this many switches.
  public var switches: Int?
  /// The round-robin workload's parameters where no axis sets them.
  public var extentBytes = 8192
  public var ioShare = 0.5

  public init(
    axes: [SweepAxis], workloads: [Workload]? = nil, strategies: [any SwitchStrategy] = StrategyCatalog.all,
    profile: CycleProfile = .default, seed: UInt64? = nil, switches: Int? = nil
  ) {
    self.axes = axes
    self.workloads = workloads
    self.strategies = strategies
    self.profile = profile
    self.seed = seed
    self.switches = switches
  }

  /// Why the sweep cannot run as asked, or nil: one or two axes, each parameter once, the
  /// workload parameters only on the round-robin workload, and at least one strategy.
  public var problem: SweepError? {
    guard (1...2).contains(axes.count) else {
      return SweepError(text: "", message: "give one or two --axis, not \(axes.count)")
    }
    if axes.count == 2, axes[0].parameter == axes[1].parameter {
      return SweepError(text: "", message: "--axis \(axes[0].parameter.name) given twice")
    }
    if workloads != nil, let axis = axes.first(where: \.parameter.isWorkloadParameter) {
      return SweepError(
        text: "",
        message: "--axis \(axis.parameter.name) varies the round-robin workload; it cannot be combined with --workload")
    }
    if strategies.isEmpty { return SweepError(text: "", message: "no strategy to sweep") }
    return nil
  }

  /// Runs the sweep; `progress` gets a line before each simulation.
  ///
  /// - Throws: ``problem`` when there is one.
  public func run(progress: ((String) -> Void)? = nil) throws(SweepError) -> SweepResult {
    var runs = SweepRuns()
    return try run(reusing: &runs, progress: progress)
  }

  /// Runs the sweep, taking simulations from `runs` where an earlier sweep with the same
  /// strategies made them, and adding its own.
  public func run(reusing runs: inout SweepRuns, progress: ((String) -> Void)? = nil) throws(SweepError) -> SweepResult {
    if let problem { throw problem }
    let first = axes[0]
    let seconds: [SweepValue?] = axes.count == 2 ? axes[1].values.map(Optional.some) : [nil]
    let bases = workloads ?? [Workload.roundRobin(extentBytes: extentBytes, ioShare: ioShare)]
    let totalRuns = estimatedRuns(bases: bases.count)
    var made = 0
    var points: [SweepPoint] = []
    var crossovers: [Crossover] = []
    for base in bases {
      for second in seconds {
        var line: [SweepPoint] = []
        for value in first.values {
          let values = [value] + (second.map { [$0] } ?? [])
          let (workload, pointProfile) = configure(base, profile, values)
          let key = SweepRuns.Key(
            workload: workload, l1: pointProfile[.cacheL1Bytes], l2: pointProfile[.cacheL2Bytes],
            strategies: strategies.map(\.name))
          if runs.storage[key] == nil {
            var simulationProfile = pointProfile
            simulationProfile.residency = nil
            runs.storage[key] = strategies.map { strategy in
              made += 1
              progress?("run \(made)/\(totalRuns): \(workload.name) × \(strategy.name)")
              let result = Simulator.simulate(workload, strategy: strategy, profile: simulationProfile)
              return (SwitchCosting(inferredRun: result), result)
            }
          }
          let cells = zip(strategies, runs.storage[key] ?? []).map { strategy, run in
            SweepCell(
              strategy: run.result.strategy,
              cycles: run.result.isClean ? Self.rounded(run.costing.meanCycles(under: pointProfile)) : nil,
              violations: run.result.violations.count + (run.result.failure == nil ? 0 : 1),
              explained: run.result.unexplainedViolations.isEmpty, failure: run.result.failure,
              declaresLimitations: !strategy.limitations.isEmpty)
          }
          line.append(SweepPoint(workload: base.name, values: values, cells: cells))
        }
        points += line
        crossovers += Crossover.changes(along: line, fixed: second)
      }
    }
    return SweepResult(
      profile: profile.name, clockGHz: profile[.clockGHz], seed: seed, axes: axes,
      strategies: strategies.map(\.name), points: points, crossovers: crossovers)
  }

  /// Simulations the sweep will make, for progress lines.
  private func estimatedRuns(bases: Int) -> Int {
    let varying = axes.filter(\.parameter.changesRun).map(\.values.count).reduce(1, *)
    return bases * varying * strategies.count
  }

  /// `base` and `profile` with the point's `values` set, the seed and switches applied.
  private func configure(
    _ base: Workload, _ profile: CycleProfile, _ values: [SweepValue]
  ) -> (Workload, CycleProfile) {
    var workload = base
    var pointProfile = profile
    var extent = extentBytes
    var share = ioShare
    for (axis, value) in zip(axes, values) {
      switch (axis.parameter, value) {
      case (.extent, .number(let number)): extent = Int(number)
      case (.ioShare, .number(let number)): share = number
      case (.cost(let key), .number(let number)):
        pointProfile.figures[key] = CostFigure(number, source: "iopb sweep --axis \(key.rawValue)")
      case (.residency, .residency(let residency)):
        pointProfile.residency = residency
        pointProfile.residencySource = "iopb sweep --axis copy.residency"
      default: break
      }
    }
    if workloads == nil { workload = .roundRobin(extentBytes: extent, ioShare: share) }
    if let seed { workload = workload.with(seed: seed) }
    if let switches { workload = workload.with(duration: .switches(switches)) }
    return (workload, pointProfile)
  }

  /// `value` to 0.001 cycle, so that ties and JSON are stable.
  static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}

/// The simulations sweeps have made: one per workload, cache sizes and strategy, shared by
/// every point and every later sweep that needs the same.
public struct SweepRuns: Sendable {
  struct Key: Hashable, Sendable {
    var workload: Workload
    var l1: Double
    var l2: Double
    var strategies: [String]
  }

  var storage: [Key: [(costing: SwitchCosting, result: SimulationResult)]] = [:]

  public init() {}
}
