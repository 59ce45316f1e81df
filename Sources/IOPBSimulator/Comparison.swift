import IOPBCost
import IOPBStrategies

/// Every workload run under every strategy with one cycle profile: the data behind
/// `iopb compare`.
public struct Comparison: Sendable, Hashable, Codable {
  public var profile: CycleProfile
  /// The seed that replaced each workload's own, if any.
  public var seed: UInt64?
  /// Workload-major, in the order given.
  public var rows: [ComparisonRow]

  /// Runs each of `workloads` under each of `strategies`.
  ///
  /// - Parameters:
  ///   - seed: replaces every workload's seed when given.
  ///   - duration: replaces every workload's duration when given (short runs for tests).
  ///   - control: stops the comparison: the run under way ends partial and no other starts,
  ///     so the rows are those run so far.
  public static func run(
    workloads: [Workload], strategies: [any SwitchStrategy], profile: CycleProfile,
    seed: UInt64? = nil, duration: Workload.Duration? = nil, control: RunControl = .unbounded
  ) -> Comparison {
    var rows: [ComparisonRow] = []
    for var workload in workloads {
      if let seed { workload = workload.with(seed: seed) }
      if let duration { workload = workload.with(duration: duration) }
      var group: [ComparisonRow] = []
      for strategy in strategies {
        if !group.isEmpty || !rows.isEmpty, control.shouldStop() { break }
        group.append(
          ComparisonRow(
            result: Simulator.simulate(workload, strategy: strategy, profile: profile, control: control),
            validUnderKPTI: strategy.kptiCompatible,
            limitations: strategy.limitations))
      }
      rank(&group, base: profile[.switchBase])
      rows += group
      if group.count < strategies.count || control.shouldStop() { break }
    }
    return Comparison(profile: profile, seed: seed, rows: rows)
  }

  /// Sets each clean row's ratio: (switch.base + mean) over the same for the cheapest clean
  /// row of `group` (one workload's runs).
  static func rank(_ group: inout [ComparisonRow], base: Double) {
    let cheapest = group.filter(\.isClean).map { base + $0.statistics.mean }.min() ?? 0
    for index in group.indices where group[index].isClean {
      let total = base + group[index].statistics.mean
      group[index].ratioToCheapest = cheapest > 0 ? total / cheapest : 1
    }
  }

  /// True when no run had a violation or failed.
  public var isClean: Bool { rows.allSatisfy(\.isClean) }
}
