import IOPBMachine

/// How an exploration ended.
public enum CheckVerdict: Sendable, Hashable {
  /// Every state within the bounds was explored and no step broke anything.
  case noViolation
  /// A step broke something; the counterexample is the shortest path to it.
  case violation
  /// A bound on the run (not on the model) stopped it first: the result is partial.
  case stopped(StopReason)

  /// `no-violation`, `violation` or `stopped`.
  public var name: String {
    switch self {
    case .noViolation: "no-violation"
    case .violation: "violation"
    case .stopped: "stopped"
    }
  }
}

/// The bound that ended a run early.
public enum StopReason: String, Sendable, Hashable {
  case maxStates = "max-states"
  case maxMemory = "max-memory"
  case timeout
  case interrupted
}

/// A path from the initial state to the step that broke something.
public struct Counterexample: Sendable, Hashable {
  /// Every step, the breaking one last.
  public var steps: [MachineStep]
  public var finding: Finding
  /// The path as a scenario file that `iopb run` replays and fails on at its last step.
  public var scenario: String
}


/// How the states were explored.
public enum CheckMode: Sendable, Hashable {
  /// Breadth-first over every state within the bounds: a proof when nothing is found.
  case exhaustive
  /// Random walks from a seed: evidence, not a proof.
  case random(seed: UInt64)
}

/// What an exploration found and how far it got.
public struct CheckResult: Sendable {
  public var strategy: String
  public var mode: CheckMode = .exhaustive
  public var configuration: CheckConfiguration
  public var verdict: CheckVerdict
  /// Distinct (canonical) states stored.
  public var states: Int
  /// Steps taken, each from a stored state.
  public var transitions: Int
  /// The deepest level whose states were all expanded.
  public var depth: Int
  /// True when no new state remained (the bounded space was closed).
  public var closed: Bool
  /// Renamings compared by symmetry reduction, over all stored and revisited states.
  public var symmetryCandidates: Int
  /// Violations a limitation the design declares explains (not counted as violations).
  public var limitationHits: Int
  public var counterexample: Counterexample?
  /// Bytes the state store holds at the end.
  public var storeBytes: Int
  public var omissionProbability: Double
  public var seconds: Double
  public var peakMemoryBytes: Int

  public var statesPerSecond: Double { seconds > 0 ? Double(states) / seconds : 0 }
}
