import IOPBCost
import IOPBStrategies

/// What one run of a workload under one strategy did and cost.
public struct SimulationResult: Sendable, Hashable, Codable {
  public var workload: String
  public var strategy: String
  public var profile: String
  public var seed: UInt64
  /// Cycles the strategy added to each context switch: its work on that CPU from the switch
  /// until the next switch there (return to user, in-kernel #GP fixups), system calls excluded.
  public var switchCycles: [Double]
  /// The operations behind ``switchCycles``, summed.
  public var switchCounts: OperationCounts
  /// ``switchCounts``' copied bytes by where their source was priced: inferred per copy by the
  /// ``CacheModel``, or the profile's forced residency.
  public var copyBytesByResidency: [CopyResidency: Int] = [:]
  /// Operations inside system calls (ioperm, iopl, fork, exit) and their return to user.
  public var syscallCounts: OperationCounts
  /// Cycles of ``syscallCounts``.
  public var syscallCycles: Double
  /// Double-check disagreements and broken invariants (must be none unless a limitation the
  /// strategy declares explains them); the run stops at the first.
  public var violations: [SimulationViolation]
  /// A step the machine refused or a system call that failed: a workload or engine bug.
  public var failure: String?
  /// User port accesses made, and how many the CPU refused (expected: none).
  public var accesses: Int
  public var deniedAccesses: Int
  /// Forks, threads, exits, migrations, preemptions and permission calls made.
  public var activity: SimulationActivity
  /// Engine events processed and simulated time reached, in microseconds.
  public var events: Int
  public var simulatedMicroseconds: Int
  /// True when the run stopped at ``Workload/maxEvents`` before its duration.
  public var partial: Bool

  public var switches: Int { switchCycles.count }
  public var statistics: SwitchStatistics { SwitchStatistics(samples: switchCycles) }
  /// The entries of ``violations`` that no limitation the strategy declares explains.
  public var unexplainedViolations: [SimulationViolation] { violations.filter { !$0.explained } }
  /// True when the run completed its course without violations or failures.
  public var isClean: Bool { violations.isEmpty && failure == nil }
}
