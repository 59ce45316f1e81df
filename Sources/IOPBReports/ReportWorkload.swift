import IOPBSimulator
import IOPBStrategies

/// One workload column of the report's first table: a built-in workload or a replayed trace,
/// with each strategy's mean added cycles per switch on it.
///
/// This is the seam for `iopb report --trace FILE`: whatever replays a trace makes one of
/// these, from its ``SimulationResult``s (``init(name:origin:results:)``), and appends it to
/// ``ReportData/workloads``; nothing else in the report knows where a column came from.
public struct ReportWorkload: Sendable, Hashable {
  /// One strategy's figure on this workload.
  public struct Cell: Sendable, Hashable {
    public var strategy: String
    /// Mean cycles added per switch; nil when the run stopped at a violation or failed.
    public var cycles: Double?
    /// `limit` (a violation a declared limitation explains), `VIOL` (one none explains),
    /// `FAIL`, or empty for a clean run.
    public var status: String
    /// True when the strategy declares limitations: shown, never the column's cheapest.
    public var declaresLimitations: Bool

    public init(strategy: String, cycles: Double?, status: String, declaresLimitations: Bool) {
      self.strategy = strategy
      self.cycles = cycles
      self.status = status
      self.declaresLimitations = declaresLimitations
    }
  }

  public var name: String
  /// `built-in`, or where a trace came from (`trace FILE`).
  public var origin: String
  public var cells: [Cell]

  public init(name: String, origin: String, cells: [Cell]) {
    self.name = name
    self.origin = origin
    self.cells = cells
  }

  /// The column of `results`, one run per strategy on the same workload.
  public init(name: String, origin: String, results: [SimulationResult]) {
    self.init(
      name: name, origin: origin,
      cells: results.map { result in
        Cell(
          strategy: result.strategy, cycles: result.isClean ? result.statistics.mean : nil,
          status: Self.status(clean: result.isClean, failed: result.failure != nil, explained: result.unexplainedViolations.isEmpty),
          declaresLimitations: !(StrategyCatalog.strategy(named: result.strategy)?.limitations.isEmpty ?? true))
      })
  }

  /// One column per workload of `comparison`, in its order.
  public static func columns(of comparison: Comparison, origin: String = "built-in") -> [ReportWorkload] {
    var columns: [ReportWorkload] = []
    for row in comparison.rows {
      let cell = Cell(
        strategy: row.strategy, cycles: row.isClean ? row.statistics.mean : nil,
        status: status(clean: row.isClean, failed: row.failure != nil, explained: row.unexplainedViolations.isEmpty),
        declaresLimitations: !row.limitations.isEmpty)
      if columns.last?.name == row.workload {
        columns[columns.count - 1].cells.append(cell)
      } else {
        columns.append(ReportWorkload(name: row.workload, origin: origin, cells: [cell]))
      }
    }
    return columns
  }

  static func status(clean: Bool, failed: Bool, explained: Bool) -> String {
    if clean { return "" }
    if failed { return "FAIL" }
    return explained ? "limit" : "VIOL"
  }

  /// The least cycles of any clean run here by a strategy that declares no limitation.
  var least: Double? { cells.filter { !$0.declaresLimitations }.compactMap(\.cycles).min() }
}
