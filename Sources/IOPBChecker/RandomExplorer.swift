import IOPBMachine
import IOPBScenario
import IOPBSimulator
import IOPBStrategies

/// Random walks for bounds too large to exhaust: from the initial state, steps drawn
/// uniformly from ``Machine/enabledSteps(_:)`` with a seeded generator, each walk at most
/// ``CheckConfiguration/depth`` steps (100 when unset), until `steps` steps in all. A walk
/// that breaks something is shrunk to a path from which no step can be removed.
public struct RandomExplorer<Strategy: SwitchStrategy>: Sendable {
  public let checker: ModelChecker<Strategy>
  public let seed: UInt64
  public let steps: Int

  public init(strategy: Strategy, configuration: CheckConfiguration, seed: UInt64, steps: Int) {
    checker = ModelChecker(strategy: strategy, configuration: configuration)
    self.seed = seed
    self.steps = steps
  }

  /// The seed a shard uses: shards of one run walk with different seeds (swarm verification).
  public var effectiveSeed: UInt64 {
    guard let shard = checker.configuration.shard else { return seed }
    return seed &+ UInt64(shard.index) &* 0x9E37_79B9_7F4A_7C15
  }

  /// Walks until `steps` steps, a violation, or a bound on the run.
  public func run(progress: (@Sendable (CheckProgress) -> Void)? = nil) -> CheckResult {
    let configuration = checker.configuration
    let menu = configuration.menu
    let clock = ContinuousClock()
    let start = clock.now
    var lastReport = start
    var random = SimulationRandom(seed: effectiveSeed)
    var seen = StateStore(storage: .fingerprint)
    var taken = 0
    var deepest = 0
    var limitationHits = 0
    var stop: StopReason?
    var failing: [MachineStep]?
    walks: while taken < steps {
      var machine = checker.initialMachine()
      var path: [MachineStep] = []
      _ = seen.insert(checker.canonical(machine.state).bytes)
      while path.count < (configuration.depth ?? 100), taken < steps {
        let enabled = machine.enabledSteps(menu).map(\.step)
        guard !enabled.isEmpty else { break }
        let step = enabled[random.uniform(0...(enabled.count - 1))]
        path.append(step)
        taken += 1
        let judged = ModelChecker<Strategy>.take(step, on: &machine, checkingInvariants: configuration.checksInvariants)
        if judged.explained { limitationHits += 1 }
        if judged.finding != nil {
          failing = path
          break walks
        }
        _ = seen.insert(checker.canonical(machine.state).bytes)
        deepest = max(deepest, path.count)
      }
      let now = clock.now
      let elapsed = ModelChecker<Strategy>.seconds(now - start)
      if let timeout = configuration.timeout, elapsed >= timeout { stop = .timeout }
      if let maxStates = configuration.maxStates, seen.count >= maxStates { stop = .maxStates }
      if let maxMemory = configuration.maxMemory, (ProcessMemory.resident ?? seen.bytesUsed) > maxMemory { stop = .maxMemory }
      if let progress, stop != nil || now - lastReport > .milliseconds(500) {
        lastReport = now
        progress(CheckProgress(states: seen.count, transitions: taken, depth: deepest, seconds: elapsed, residentBytes: ProcessMemory.resident))
      }
      if stop != nil { break }
    }
    var counterexample: Counterexample?
    if let failing { counterexample = replay(shrink(failing)) }
    let verdict: CheckVerdict = counterexample != nil ? .violation : stop.map { .stopped($0) } ?? .noViolation
    return CheckResult(
      strategy: checker.strategy.name, mode: .random(seed: effectiveSeed), configuration: configuration, verdict: verdict, states: seen.count,
      transitions: taken, depth: deepest, closed: false, symmetryCandidates: 0, limitationHits: limitationHits,
      counterexample: counterexample, storeBytes: seen.bytesUsed, omissionProbability: seen.omissionProbability,
      seconds: ModelChecker<Strategy>.seconds(clock.now - start), peakMemoryBytes: ProcessMemory.peak ?? seen.bytesUsed)
  }

  /// The kind of finding `path` ends in, if every step is enabled when its turn comes and only
  /// the last one breaks something.
  func finding(of path: [MachineStep]) -> Finding? {
    var machine = checker.initialMachine()
    let menu = checker.configuration.menu
    for (index, step) in path.enumerated() {
      guard machine.enabledSteps(menu).contains(where: { $0.step == step }) else { return nil }
      let judged = ModelChecker<Strategy>.take(step, on: &machine, checkingInvariants: checker.configuration.checksInvariants)
      if let finding = judged.finding { return index == path.count - 1 ? finding : nil }
    }
    return nil
  }

  /// `path` with steps removed, chunks first and then single steps (delta debugging), while
  /// the result still ends in a finding of the same kind; no single step of the result can go.
  func shrink(_ path: [MachineStep]) -> [MachineStep] {
    guard let kind = finding(of: path)?.kind else { return path }
    var current = path
    var chunk = max(1, current.count / 2)
    while true {
      var removed = false
      var start = 0
      while start < current.count - 1 {
        var candidate = current
        candidate.removeSubrange(start..<min(start + chunk, current.count - 1))
        if finding(of: candidate)?.kind == kind {
          current = candidate
          removed = true
        } else {
          start += chunk
        }
      }
      if chunk == 1 && !removed { return current }
      if !removed { chunk = max(1, chunk / 2) }
    }
  }

  /// The counterexample for a path that ends in a finding.
  func replay(_ path: [MachineStep]) -> Counterexample? {
    var machine = checker.initialMachine()
    var writer = ScenarioWriter(machine)
    var last: Finding?
    for step in path {
      let before = machine
      var judged = machine
      last = ModelChecker<Strategy>.take(step, on: &judged, checkingInvariants: checker.configuration.checksInvariants).finding
      writer.record(step, before: before, result: try? machine.apply(step))
    }
    guard let last else { return nil }
    let comments = [
      "Counterexample found by `iopb check --random --seed \(seed) --strategy \(checker.strategy.name)`, shrunk to \(path.count) steps.",
      "The last step breaks the model: \(last.description(naming: ScenarioWriter.name))",
      "Replay: iopb run --strategy \(checker.strategy.name)\(checker.configuration.checksInvariants ? "" : " --no-invariants") --trace FILE",
    ]
    return Counterexample(steps: path, finding: last, scenario: writer.text(comments: comments))
  }
}
