import IOPBCost
import IOPBSimulator
import IOPBStrategies

/// Everything `iopb report` shows, computed: the workload table, the two sweep charts with
/// their uncertainty bands and crossings, the strategies' KPTI validity and limitations, the
/// checker's mutants (when given) and the profile.
public struct ReportData: Sendable {
  /// What the report says of a strategy besides its cost.
  public struct StrategyFacts: Sendable, Hashable {
    public var name: String
    public var kptiCompatible: Bool
    public var limitations: [String]
  }

  public var profile: CycleProfile
  public var seed: UInt64?
  /// Built-in workloads first, then any replayed trace (the `--trace` seam: append here).
  public var workloads: [ReportWorkload]
  public var strategies: [StrategyFacts]
  public var extentChart: SweepChart
  public var shareChart: SweepChart
  public var checker: CheckerSummary?
  /// The io-share of the extent chart, and the extent in bytes of the io-share chart.
  public var extentShare: Double
  public var shareExtent: Int

  /// Runs what the report needs.
  ///
  /// - Parameters:
  ///   - strategies: the table's strategies (the catalogue's by default).
  ///   - chartStrategies: the charts' lines; a chart of every design would not be readable.
  ///   - workloads: the table's built-in workloads.
  ///   - switches: replaces each workload's duration (short runs for tests).
  ///   - extentShare: the io-share of the extent chart; `shareExtent` the extent of the
  ///     io-share chart.
  public static func build(
    profile: CycleProfile, strategies: [any SwitchStrategy] = StrategyCatalog.all,
    chartStrategies: [any SwitchStrategy], workloads: [Workload] = Workload.builtIn, seed: UInt64? = nil,
    switches: Int? = nil, extentShare: Double = 0.5, shareExtent: Int = 8192, progress: ((String) -> Void)? = nil
  ) throws(SweepError) -> ReportData {
    progress?("comparing \(workloads.count) workloads × \(strategies.count) strategies")
    let comparison = Comparison.run(
      workloads: workloads, strategies: strategies, profile: profile, seed: seed,
      duration: switches.map { .switches($0) })
    var runs = SweepRuns()
    func chart(_ parameter: SweepParameter, extent: Int, share: Double) throws(SweepError) -> SweepChart {
      guard let specification = parameter.defaultSpecification else {
        throw SweepError(text: parameter.name, message: "no default grid")
      }
      var sweep = Sweep(
        axes: [try SweepAxis.parse("\(parameter.name)=\(specification)")], strategies: chartStrategies,
        profile: profile, seed: seed, switches: switches)
      sweep.extentBytes = extent
      sweep.ioShare = share
      return try SweepChart.build(sweep, runs: &runs, progress: progress)
    }
    return ReportData(
      profile: profile, seed: seed, workloads: ReportWorkload.columns(of: comparison),
      strategies: strategies.map {
        StrategyFacts(name: $0.name, kptiCompatible: $0.kptiCompatible, limitations: $0.limitations)
      },
      extentChart: try chart(.extent, extent: 8192, share: extentShare),
      shareChart: try chart(.ioShare, extent: shareExtent, share: 0.5), checker: nil,
      extentShare: extentShare, shareExtent: shareExtent)
  }
}

/// One sweep drawn as a chart: the lines at the profile's figures, a band per line whose cost
/// moves within a cited range (``CitedRange``: INVLPG, LTR), and where the lines cross.
public struct SweepChart: Sendable {
  /// A line's cost at the two ends of a cited range.
  public struct Band: Sendable, Hashable {
    public var strategy: String
    public var range: CitedRange
    public var lower: [Double?]
    public var upper: [Double?]
  }

  public var sweep: SweepResult
  public var bands: [Band]
  /// Every crossing of two lines, interpolated linearly between grid points.
  public var crossings: [LineCrossing]

  /// The figures whose cited uncertainty the charts shade.
  public static let bandFigures: [CostKey] = [.pageInvalidation, .taskRegisterLoad]

  /// Runs `sweep` at the profile's figures, then (re-priced, no new run of a workload) with
  /// each of ``bandFigures`` at its cited low and high.
  static func build(
    _ sweep: Sweep, runs: inout SweepRuns, progress: ((String) -> Void)?
  ) throws(SweepError) -> SweepChart {
    let base = try sweep.run(reusing: &runs, progress: progress)
    var bands: [Band] = []
    for key in bandFigures {
      guard let range = CitedRange.all[key] else { continue }
      var ranged = sweep
      ranged.axes.append(SweepAxis(parameter: .cost(key), values: [.number(range.low), .number(range.high)]))
      let result = try ranged.run(reusing: &runs, progress: progress)
      for strategy in base.strategies {
        let lows = result.points.filter { $0.values[1] == .number(range.low) }.map { $0.cycles(of: strategy) }
        let highs = result.points.filter { $0.values[1] == .number(range.high) }.map { $0.cycles(of: strategy) }
        guard zip(lows, highs).contains(where: { $0 != $1 }) else { continue }
        bands.append(
          Band(
            strategy: strategy, range: range,
            lower: zip(lows, highs).map { low, high in low.flatMap { l in high.map { min(l, $0) } } },
            upper: zip(lows, highs).map { low, high in low.flatMap { l in high.map { max(l, $0) } } }))
      }
    }
    let xs = base.axes[0].values.compactMap(\.number)
    let lines = base.strategies.map { strategy in (name: strategy, ys: base.points.map { $0.cycles(of: strategy) }) }
    return SweepChart(sweep: base, bands: bands, crossings: LineCrossing.all(xs: xs, lines: lines))
  }
}
