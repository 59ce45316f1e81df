import IOPBOracle
import IOPBScenario
import IOPBStrategies
import Testing

@Suite struct RandomScenariosTests {
  @Test func sameSeedSameScenarios() {
    var first = RandomScenarios(seed: 42)
    var second = RandomScenarios(seed: 42)
    var other = RandomScenarios(seed: 43)
    let a = first.texts(count: 20).map(\.text)
    #expect(a == second.texts(count: 20).map(\.text))
    #expect(a != other.texts(count: 20).map(\.text))
  }

  /// Drawn in batches of 3 (as the oracle's boots draw them), the scenarios and their names are
  /// those drawn all at once.
  @Test func batchesDrawTheSameScenarios() {
    var whole = RandomScenarios(seed: 5)
    var batched = RandomScenarios(seed: 5)
    let all = whole.texts(count: 10)
    let parts = (0..<4).flatMap { _ in batched.texts(count: min(3, 10 - batched.index)) }
    #expect(parts.map(\.name) == all.map(\.name))
    #expect(parts.map(\.text) == all.map(\.text))
    #expect(batched.index == 10)
    #expect(all.last?.name == "random-5-9")
  }

  /// Every generated scenario parses, fits the guest, and runs on the model without a step it
  /// cannot take or a violation: what the oracle compares is always meaningful.
  @Test(arguments: [UInt64(1), 7, 2019])
  func generatedScenariosAreValidOnTheModel(seed: UInt64) throws {
    var generator = RandomScenarios(seed: seed)
    var kinds: Set<String> = []
    for (name, text) in generator.texts(count: 120) {
      let scenario = try ScenarioParser.parse(text, source: name)
      #expect(OracleSupport.unsupportedReason(scenario) == nil)
      var runner = ScenarioRunner(scenario, strategy: Linux55Strategy())
      runner.checksInvariants = false  // the property tests cover invariants; this is about validity
      let run = runner.run()
      #expect(run.error == nil, "seed \(seed), \(name): \(run.error?.description ?? "")\n\(text)")
      #expect(run.violationCount == 0, "seed \(seed), \(name)\n\(text)")
      for step in scenario.steps { kinds.insert(step.text.split(separator: " ").dropFirst().first.map(String.init) ?? "") }
    }
    for kind in ["ioperm", "iopl", "fork", "thread", "exec", "exit", "setresuid", "migrate", "inb", "inw", "inl"] {
      #expect(kinds.contains(kind), "seed \(seed) never generated \(kind)")
    }
  }
}
