/// What `iopb sweep` found: each strategy's added cycles per switch at every point of the grid,
/// and where the cheapest design changes along the first axis.
public struct SweepResult: Sendable, Hashable, Codable {
  /// The profile the sweep started from; each point sets its axes' figures in it.
  public var profile: String
  /// `clock.ghz` of that profile, to read cycles as nanoseconds.
  public var clockGHz: Double
  /// The seed that replaced each workload's own, if any.
  public var seed: UInt64?
  /// One or two axes; crossovers run along the first.
  public var axes: [SweepAxis]
  /// The strategies, in the order given (the catalogue's by default).
  public var strategies: [String]
  /// Workload-major, then the second axis's values, then the first's.
  public var points: [SweepPoint]
  public var crossovers: [Crossover]
  /// How crossovers are placed between grid points.
  public var interpolation: String

  public init(
    profile: String, clockGHz: Double, seed: UInt64?, axes: [SweepAxis], strategies: [String],
    points: [SweepPoint], crossovers: [Crossover]
  ) {
    self.profile = profile
    self.clockGHz = clockGHz
    self.seed = seed
    self.axes = axes
    self.strategies = strategies
    self.points = points
    self.crossovers = crossovers
    interpolation =
      axes.first?.isNumeric ?? false
      ? "linear between the two grid points around the change, on the two designs' cycles"
      : "none: the axis is a category; a change lies between two neighbouring values"
  }

  /// True when no run had a violation that its strategy's limitations do not explain, and none
  /// failed.
  public var isClean: Bool {
    points.allSatisfy { $0.cells.allSatisfy { $0.failure == nil && $0.explained } }
  }

  /// One line per run with an unexplained violation or a failure, naming its point.
  public var problems: [String] {
    points.flatMap { point in
      point.cells.compactMap { cell in
        guard cell.failure != nil || !cell.explained else { return nil }
        let reason = cell.failure.map { "failed: \($0)" } ?? "\(cell.violations) violation(s) no limitation explains"
        return "\(point.workload) at \(point.coordinates(axes)) × \(cell.strategy): \(reason)"
      }
    }
  }
}

/// One point of a sweep's grid on one workload.
public struct SweepPoint: Sendable, Hashable, Codable {
  public var workload: String
  /// One value per axis of the sweep, in its order.
  public var values: [SweepValue]
  /// One cell per strategy, in the sweep's order.
  public var cells: [SweepCell]
  /// The strategies with the fewest cycles here (several on a tie, in the sweep's order),
  /// among those that declare no limitation: a design that cannot keep Linux's semantics (a
  /// user reaching every port, one map for the system) is not a candidate, however cheap.
  /// Empty when no such run was clean.
  public var cheapest: [String]

  public init(workload: String, values: [SweepValue], cells: [SweepCell]) {
    self.workload = workload
    self.values = values
    self.cells = cells
    let candidates = cells.filter { !$0.declaresLimitations }
    let least = candidates.compactMap(\.cycles).min()
    cheapest = least.map { least in candidates.filter { $0.cycles == least }.map(\.strategy) } ?? []
  }

  /// The cycles of `strategy` here, nil when its run was not clean or it is not in the sweep.
  public func cycles(of strategy: String) -> Double? {
    cells.first { $0.strategy == strategy }?.cycles
  }

  /// `invlpg=440, extent=8192`.
  public func coordinates(_ axes: [SweepAxis]) -> String {
    zip(axes, values).map { "\($0.parameter.name)=\($1)" }.joined(separator: ", ")
  }
}

/// One strategy at one point of a sweep.
public struct SweepCell: Sendable, Hashable, Codable {
  public var strategy: String
  /// Mean cycles added per context switch, rounded to 0.001; nil when the run had a violation
  /// or failed (its figures stop where it did).
  public var cycles: Double?
  /// Double-check violations of the run.
  public var violations: Int
  /// True when every violation comes from a limitation the strategy declares.
  public var explained: Bool
  public var failure: String?
  /// True when the strategy declares limitations (``SwitchStrategy/limitations``): it is
  /// shown, but never the cheapest.
  public var declaresLimitations: Bool

  public init(
    strategy: String, cycles: Double?, violations: Int, explained: Bool, failure: String?,
    declaresLimitations: Bool = false
  ) {
    self.strategy = strategy
    self.cycles = cycles
    self.violations = violations
    self.explained = explained
    self.failure = failure
    self.declaresLimitations = declaresLimitations
  }
}
