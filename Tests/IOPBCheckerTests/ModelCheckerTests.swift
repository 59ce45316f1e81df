import Foundation
import IOPBCPU
import IOPBChecker
import IOPBKernel
import IOPBMachine
import IOPBScenario
import IOPBStrategies
import Testing

/// Small bounds that close in well under a second.
func smallBounds(cpus: Int = 1, ports: Int = 128, threads: Int = 2) -> CheckConfiguration {
  var configuration = CheckConfiguration()
  configuration.cpus = cpus
  configuration.processes = 2
  configuration.threads = threads
  configuration.ports = ports
  configuration.depth = nil
  return configuration
}

@Suite struct ModelCheckerTests {
  @Test func linux55PassesSmallBoundsAndClosesTheSpace() async {
    var bounds = smallBounds(ports: 64)
    bounds.operations = [.switch, .return, .ioperm, .iopl, .fork, .exit, .access, .vmexit, .enomem]
    let result = await ModelChecker(strategy: Linux55Strategy(), configuration: bounds).run()
    #expect(result.verdict == .noViolation)
    #expect(result.closed)
    #expect(result.states > 1000)
  }

  @Test(arguments: Linux55Strategy.Defect.allCases)
  func everyLinux55DefectYieldsACounterexampleThatReplaysAndFailsAtItsLastStep(_ defect: Linux55Strategy.Defect) async throws {
    let strategy = Linux55Strategy(defects: [defect])
    let result = await ModelChecker(strategy: strategy, configuration: smallBounds()).run()
    #expect(result.verdict == .violation)
    let counterexample = try #require(result.counterexample)
    let scenario = try ScenarioParser.parse(counterexample.scenario, source: "counterexample.scn")
    let run = ScenarioRunner.run(scenario, strategy: strategy)
    #expect(run.error == nil)
    #expect(run.records.count == counterexample.steps.count + 2)
    #expect(run.failures.map(\.step.location.line) == [run.records.last?.step.location.line])
  }
}

@Suite struct ExplorationOptionTests {
  /// Verdicts and counterexample lengths with symmetry reduction on and off: the reduction
  /// may only shrink the state count.
  @Test(arguments: [Linux55Strategy(), Linux55Strategy(defects: [.copiesOnlyIncomingMax]), Linux55Strategy(defects: [.keepsBaseOnSwitchOut])])
  func symmetryChangesNoVerdict(_ strategy: Linux55Strategy) async {
    var bounds = smallBounds(cpus: 2, threads: 3)
    bounds.depth = 7
    var plain = bounds
    plain.symmetry = []
    let reduced = await ModelChecker(strategy: strategy, configuration: bounds).run()
    let full = await ModelChecker(strategy: strategy, configuration: plain).run()
    #expect(reduced.verdict == full.verdict)
    #expect(reduced.counterexample?.steps.count == full.counterexample?.steps.count)
    #expect(reduced.counterexample?.finding.kind == full.counterexample?.finding.kind)
    if reduced.verdict == .noViolation { #expect(reduced.states < full.states) }
  }

  @Test func jobsChangeNothingButTheTime() async {
    var bounds = smallBounds(cpus: 2, threads: 3)
    bounds.depth = 6
    var parallel = bounds
    parallel.jobs = 2
    let one = await ModelChecker(strategy: Linux55Strategy(), configuration: bounds).run()
    let two = await ModelChecker(strategy: Linux55Strategy(), configuration: parallel).run()
    #expect(one.text(measurements: false) == two.text(measurements: false))
    #expect(one.states == two.states && one.transitions == two.transitions)
  }

  @Test func fingerprintsFindTheExactCountOnSmallBounds() async {
    var bounds = smallBounds()
    bounds.depth = 8
    var compact = bounds
    compact.storage = .fingerprint
    let exact = await ModelChecker(strategy: Linux55Strategy(), configuration: bounds).run()
    let hashed = await ModelChecker(strategy: Linux55Strategy(), configuration: compact).run()
    #expect(exact.states == hashed.states)
    #expect(hashed.omissionProbability > 0 && hashed.omissionProbability < 1e-9)
    #expect(exact.omissionProbability == 0)
  }

  @Test func shardsTogetherFindWhatTheWholeRunFinds() async throws {
    var bounds = smallBounds()
    bounds.depth = 9
    let strategy = Linux55Strategy(defects: [.copiesOnlyIncomingMax])
    let whole = await ModelChecker(strategy: strategy, configuration: bounds).run()
    var shardResults: [CheckResult] = []
    for index in 0..<3 {
      var shard = bounds
      shard.shard = Shard(index: index, count: 3)
      shardResults.append(await ModelChecker(strategy: strategy, configuration: shard).run())
    }
    #expect(whole.verdict == .violation)
    #expect(shardResults.contains { $0.verdict == .violation })
    let merged = try CheckMerge.merge(shardResults.enumerated().map { ("shard\($0.offset).json", Data($0.element.json().utf8)) })
    #expect(merged["result"] as? String == "violation")
    #expect(merged["complete"] as? Bool == true)
  }

  @Test(arguments: [UInt64(1), 7, 2019])
  func randomWalksFindADefectAndShrinkIt(seed: UInt64) throws {
    let strategy = Linux55Strategy(defects: [.keepsBaseOnSwitchOut])
    let explorer = RandomExplorer(strategy: strategy, configuration: smallBounds(), seed: seed, steps: 20_000)
    let result = explorer.run()
    #expect(result.verdict == .violation, "seed \(seed)")
    let counterexample = try #require(result.counterexample, "seed \(seed)")
    let exhaustive = 7  // the breadth-first counterexample's length for these bounds
    #expect(counterexample.steps.count <= 3 * exhaustive, "seed \(seed): shrunk to \(counterexample.steps.count) steps")
    let scenario = try ScenarioParser.parse(counterexample.scenario, source: "random.scn")
    let run = ScenarioRunner.run(scenario, strategy: strategy)
    #expect(run.failures.map(\.step.location.line) == [run.records.last?.step.location.line], "seed \(seed)")
  }
}

@Suite struct MutantCatalogTests {
  /// Every mutant the catalogue says must be caught is, with invariants judged and without, and
  /// its counterexample replays and fails at its last step only.
  @Test(arguments: MutantCatalog.all.filter { $0.expectation == .caught }.map(\.name), [true, false])
  func everyMutantIsCaughtAndItsCounterexampleReplays(_ name: String, checksInvariants: Bool) async throws {
    let mutant = try #require(MutantCatalog.mutant(named: name))
    var bounds = smallBounds()
    bounds.depth = 14
    bounds.checksInvariants = checksInvariants
    bounds.deviations = mutant.deviations
    let result = await bounds.check(mutant.strategy)
    #expect(result.verdict == .violation)
    let counterexample = try #require(result.counterexample)
    let scenario = try ScenarioParser.parse(counterexample.scenario, source: "\(name).scn")
    let run = replay(scenario, mutant.strategy, checksInvariants: checksInvariants)
    #expect(run.error == nil)
    #expect(run.records.count == counterexample.steps.count + 2, "\(name): two process lines, then the steps")
    let failing = run.failures.map(\.step.location.line)
    #expect(failing == [run.records.last?.step.location.line ?? 0], "\(name): the replay fails at lines \(failing)")
  }

  private func replay(_ scenario: Scenario, _ strategy: some SwitchStrategy, checksInvariants: Bool) -> ScenarioRun {
    var runner = ScenarioRunner(scenario, strategy: strategy)
    runner.checksInvariants = checksInvariants
    return runner.run()
  }
}
