import IOPBCost
import IOPBStrategies

/// One workload under one strategy: what a comparison reports.
public struct ComparisonRow: Sendable, Hashable, Codable {
  public var workload: String
  public var strategy: String
  public var switches: Int
  /// Cycles the strategy added per context switch.
  public var statistics: SwitchStatistics
  /// Per context switch: bytes copied into (and filled in) the TSS, INVLPGs, LTRs.
  public var bytesCopiedPerSwitch: Double
  public var bytesFilledPerSwitch: Double
  public var invalidationsPerSwitch: Double
  public var taskRegisterLoadsPerSwitch: Double
  /// Cycles of bitmap work inside system calls (ioperm, iopl, fork, exit) over the whole run.
  public var syscallCycles: Double
  /// Every counted operation over the run: at switches, and inside system calls.
  public var switchCounts: OperationCounts
  /// Bytes copied at switches, by the residency they were priced at.
  public var copyBytesByResidency: [CopyResidency: Int]
  public var syscallCounts: OperationCounts
  public var activity: SimulationActivity
  /// (switch.base + mean) over the same for the cheapest clean run on this workload; nil when
  /// this run had a violation or failed (its figures stop where it did).
  public var ratioToCheapest: Double?
  /// nil: the strategy does not say.
  public var validUnderKPTI: Bool?
  /// What the strategy cannot reproduce of Linux ≥ 5.5.
  public var limitations: [String]
  /// What the run met that Linux ≥ 5.5 would not have done; it stopped at the first.
  public var violations: [SimulationViolation]
  /// A step the machine refused or a system call that failed, at a simulated time: a workload
  /// or engine bug.
  public var failure: String?
  public var partial: Bool
  public var events: Int

  init(result: SimulationResult, validUnderKPTI: Bool?, limitations: [String]) {
    workload = result.workload
    strategy = result.strategy
    switches = result.switches
    statistics = result.statistics
    let divisor = Double(max(1, result.switches))
    bytesCopiedPerSwitch = Double(result.switchCounts.bytesCopied) / divisor
    bytesFilledPerSwitch = Double(result.switchCounts.bytesFilled) / divisor
    invalidationsPerSwitch = Double(result.switchCounts.pageInvalidations) / divisor
    taskRegisterLoadsPerSwitch = Double(result.switchCounts.taskRegisterLoads) / divisor
    syscallCycles = result.syscallCycles
    switchCounts = result.switchCounts
    copyBytesByResidency = result.copyBytesByResidency
    syscallCounts = result.syscallCounts
    activity = result.activity
    ratioToCheapest = nil
    self.validUnderKPTI = validUnderKPTI
    self.limitations = limitations
    violations = result.violations
    failure = result.failure
    partial = result.partial
    events = result.events
  }

  /// The violations none of ``limitations`` explains.
  public var unexplainedViolations: [SimulationViolation] { violations.filter { !$0.explained } }

  /// True when the run failed or had a violation that no limitation the strategy declares
  /// explains.
  public var isUnexpectedFailure: Bool {
    failure != nil || !unexplainedViolations.isEmpty
  }

  public var isClean: Bool { violations.isEmpty && failure == nil }

  /// Violations plus one for a failure.
  public var problemCount: Int { violations.count + (failure == nil ? 0 : 1) }
}
