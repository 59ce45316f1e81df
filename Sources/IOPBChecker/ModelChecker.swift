import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBScenario
import IOPBStrategies

/// Progress of a running exploration, for a terminal's status line.
public struct CheckProgress: Sendable {
  public var states: Int
  public var transitions: Int
  public var depth: Int
  public var seconds: Double
  public var residentBytes: Int?
}

/// Breadth-first exploration of every interleaving of a ``StepMenu`` from the initial state of
/// a ``CheckConfiguration``, over canonical states (``MachineState/canonical(strategy:symmetry:)``).
///
/// After every step it checks the double check of the access or CLI it made, the design's
/// invariants and the kernel's (``Machine/invariantViolations()``). Breadth-first order makes
/// the first violation found one at the least depth: its path is a shortest counterexample.
/// Violations that a limitation the design declares explains are counted, not reported.
public struct ModelChecker<Strategy: SwitchStrategy>: Sendable {
  public let strategy: Strategy
  public let configuration: CheckConfiguration
  private let menu: StepMenu

  public init(strategy: Strategy, configuration: CheckConfiguration) {
    self.strategy = strategy
    self.configuration = configuration
    menu = configuration.menu
  }

  /// The machine before any step: see ``CheckConfiguration``.
  public func initialMachine() -> Machine<Strategy> {
    var machine = Machine(strategy: strategy, cpuCount: configuration.cpus, kernel: configuration.kernel)
    for index in 0..<configuration.processes {
      _ = try? machine.spawn(credentials: .root, on: CPUID(rawValue: index % configuration.cpus))
    }
    return machine
  }

  public func canonical(_ state: MachineState<Strategy.State>) -> CanonicalMachineState<Strategy.State> {
    state.canonical(strategy: strategy, symmetry: configuration.symmetry)
  }

  /// One step from a stored state: where it leads and what it broke.
  struct Successor: Sendable {
    var parent: Int
    /// Where the step leads; nil when it changed nothing the state holds (the stored parent
    /// itself), which needs no canonical form.
    var target: CanonicalMachineState<Strategy.State>?
    var finding: Finding?
    var explained: Bool
  }

  /// What one step did: what it broke, whether a declared limitation explained a violation,
  /// and whether it left the machine as it found it.
  public struct Judgement: Sendable {
    public var finding: Finding?
    public var explained: Bool
    public var unchanged: Bool
  }

  /// Takes `step` on `machine` and judges it. When the step leaves the machine in `previous`
  /// (a state whose invariants were judged already), the invariants are not judged again.
  public static func take(
    _ step: MachineStep, on machine: inout Machine<Strategy>, checkingInvariants: Bool = true,
    unchangedFrom previous: MachineState<Strategy.State>? = nil
  ) -> Judgement {
    let result: StepResult
    do { result = try machine.apply(step) } catch { return Judgement(finding: .machineError(error), explained: false, unchanged: false) }
    var explained = false
    for violation in result.violations {
      guard machine.limitationExplains(violation) else {
        return Judgement(finding: .violation(violation), explained: false, unchanged: false)
      }
      explained = true
    }
    let unchanged = previous.map { machine.state == $0 } ?? false
    guard checkingInvariants, !unchanged else { return Judgement(finding: nil, explained: explained, unchanged: unchanged) }
    let broken = machine.invariantViolations()
    return Judgement(finding: broken.isEmpty ? nil : .invariants(broken), explained: explained, unchanged: unchanged)
  }

  /// Every successor of the stored states `batch` (index, state), in order.
  func expand(_ batch: ArraySlice<(Int, MachineState<Strategy.State>)>) -> [Successor] {
    var machine = initialMachine()
    var successors: [Successor] = []
    for (index, state) in batch {
      machine.state = state
      for enabled in machine.enabledSteps(menu) {
        machine.state = state
        let judged = Self.take(
          enabled.step, on: &machine, checkingInvariants: configuration.checksInvariants, unchangedFrom: state)
        let unchanged = judged.finding == nil && judged.unchanged
        successors.append(
          Successor(
            parent: index, target: unchanged ? nil : canonical(machine.state), finding: judged.finding,
            explained: judged.explained))
      }
    }
    return successors
  }

  /// Runs the exploration; `progress` is called about twice a second from the calling task.
  public func run(progress: (@Sendable (CheckProgress) -> Void)? = nil) async -> CheckResult {
    let clock = ContinuousClock()
    let start = clock.now
    var store = StateStore(storage: configuration.storage)
    var parents: [Int32] = []
    var transitions = 0
    var symmetryCandidates = 0
    var limitationHits = 0
    var found: (parent: Int, target: [UInt8], finding: Finding)?
    var stop: StopReason?
    var lastReport = start

    let initial = canonical(initialMachine().state)
    symmetryCandidates += initial.candidates
    _ = store.insert(initial.bytes)
    parents.append(-1)
    let initialBroken = configuration.checksInvariants ? initialMachine().invariantViolations() : []
    if !initialBroken.isEmpty { found = (-1, initial.bytes, .invariants(initialBroken)) }

    var frontier: [(Int, MachineState<Strategy.State>)] = [(0, initial.state)]
    var depth = 0
    var completedDepth = 0
    let batchSize = 2048 * configuration.jobs
    levels: while found == nil, !frontier.isEmpty {
      if let limit = configuration.depth, depth >= limit { break }
      if let shard = configuration.shard, depth == shard.splitDepth {
        // Frontier states are canonical already: their encoding is their stored bytes.
        frontier = frontier.filter { entry in
          var encoder = StateEncoder()
          entry.1.encode(into: &encoder)
          return Int(StateHash.hash(encoder.bytes) % UInt64(shard.count)) == shard.index
        }
      }
      var next: [(Int, MachineState<Strategy.State>)] = []
      var offset = 0
      while offset < frontier.count {
        let batch = frontier[offset..<min(offset + batchSize, frontier.count)]
        offset += batch.count
        let successors = await expandInParallel(batch)
        for successor in successors {
          transitions += 1
          if successor.explained { limitationHits += 1 }
          guard let target = successor.target else { continue }
          symmetryCandidates += target.candidates
          if let finding = successor.finding {
            found = (successor.parent, target.bytes, finding)
            break levels
          }
          let (index, inserted) = store.insert(target.bytes)
          if inserted {
            parents.append(Int32(successor.parent))
            next.append((index, target.state))
          }
        }
        let now = clock.now
        let elapsed = Self.seconds(now - start)
        if let maxStates = configuration.maxStates, store.count >= maxStates { stop = .maxStates }
        if let timeout = configuration.timeout, elapsed >= timeout { stop = .timeout }
        if let maxMemory = configuration.maxMemory, (ProcessMemory.resident ?? store.bytesUsed) > maxMemory {
          stop = .maxMemory
        }
        if Task.isCancelled { stop = .interrupted }
        if let progress, stop != nil || now - lastReport > .milliseconds(500) {
          lastReport = now
          progress(
            CheckProgress(
              states: store.count, transitions: transitions, depth: depth, seconds: elapsed,
              residentBytes: ProcessMemory.resident))
        }
        if stop != nil { break levels }
      }
      depth += 1
      completedDepth = depth
      frontier = next
    }

    var counterexample: Counterexample?
    if let found {
      counterexample = reconstruct(
        parent: found.parent, target: found.target, finding: found.finding, store: store, parents: parents)
    }
    let verdict: CheckVerdict =
      counterexample != nil ? .violation : stop.map { .stopped($0) } ?? .noViolation
    let closed = found == nil && stop == nil && frontier.isEmpty
    return CheckResult(
      strategy: strategy.name, configuration: configuration, verdict: verdict, states: store.count,
      transitions: transitions, depth: completedDepth, closed: closed, symmetryCandidates: symmetryCandidates,
      limitationHits: limitationHits, counterexample: counterexample, storeBytes: store.bytesUsed,
      omissionProbability: store.omissionProbability, seconds: Self.seconds(clock.now - start),
      peakMemoryBytes: ProcessMemory.peak ?? store.bytesUsed)
  }

  /// ``expand(_:)`` of `batch` split over ``CheckConfiguration/jobs`` tasks, joined in order.
  private func expandInParallel(_ batch: ArraySlice<(Int, MachineState<Strategy.State>)>) async -> [Successor] {
    let jobs = min(configuration.jobs, batch.count)
    guard jobs > 1 else { return expand(batch) }
    let chunk = (batch.count + jobs - 1) / jobs
    return await withTaskGroup(of: (Int, [Successor]).self) { group in
      for part in 0..<jobs {
        let lower = batch.startIndex + part * chunk
        let upper = min(lower + chunk, batch.endIndex)
        guard lower < upper else { continue }
        let slice = batch[lower..<upper]
        group.addTask { (part, self.expand(slice)) }
      }
      var parts: [[Successor]] = Array(repeating: [], count: jobs)
      for await (part, successors) in group { parts[part] = successors }
      return parts.flatMap { $0 }
    }
  }

  /// The concrete steps from the initial machine to the stored state `parent`, then the step
  /// that breaks something, found again by matching canonical bytes level by level.
  private func reconstruct(
    parent: Int, target: [UInt8], finding: Finding, store: StateStore, parents: [Int32]
  ) -> Counterexample {
    var path: [Int] = []
    var index = parent
    while index > 0 {
      path.append(index)
      index = Int(parents[index])
    }
    path.reverse()
    var machine = initialMachine()
    var steps: [MachineStep] = []
    var writer = ScenarioWriter(machine)
    for next in path {
      for step in machine.enabledSteps(menu).map(\.step) {
        var candidate = machine
        guard (try? candidate.apply(step)) != nil, store.holds(canonical(candidate.state).bytes, at: next) else { continue }
        let before = machine
        let result = try? machine.apply(step)
        writer.record(step, before: before, result: result)
        steps.append(step)
        break
      }
    }
    var concreteFinding = finding
    if parent >= 0 {
      for step in machine.enabledSteps(menu).map(\.step) {
        var candidate = machine
        guard let candidateFinding = Self.take(step, on: &candidate, checkingInvariants: configuration.checksInvariants).finding,
          candidateFinding.kind == finding.kind,
          canonical(candidate.state).bytes == target
        else { continue }
        let before = machine
        let result = try? machine.apply(step)
        writer.record(step, before: before, result: result)
        steps.append(step)
        concreteFinding = candidateFinding
        break
      }
    }
    let comments = [
      "Counterexample found by `iopb check --strategy \(strategy.name)`: \(steps.count) steps from boot.",
      "The last step breaks the model: \(concreteFinding.description(naming: ScenarioWriter.name))",
      "Replay: iopb run --strategy \(strategy.name)\(configuration.checksInvariants ? "" : " --no-invariants") --trace FILE",
    ]
    return Counterexample(steps: steps, finding: concreteFinding, scenario: writer.text(comments: comments))
  }

  public static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
  }
}
