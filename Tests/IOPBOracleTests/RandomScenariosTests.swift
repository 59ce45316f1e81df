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
