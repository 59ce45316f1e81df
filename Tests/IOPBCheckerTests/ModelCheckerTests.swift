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
  return configuration
}

@Suite struct ModelCheckerTests {
  @Test func linux55PassesSmallBoundsAndClosesTheSpace() async {
    let result = await ModelChecker(strategy: Linux55Strategy(), configuration: smallBounds(ports: 64)).run()
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
