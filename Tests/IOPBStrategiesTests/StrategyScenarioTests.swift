import Foundation
import IOPBKernel
import IOPBScenario
import IOPBStrategies
import Testing

/// The four scenario files under `scenarios/`, run on every strategy of the catalog.
@Suite struct StrategyScenarioTests {
  static let scenarioNames = [
    "errno-order", "preempted-before-return", "selftest-ioperm", "selftest-iopl",
  ]

  static func load(_ name: String) throws -> Scenario {
    let url = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("scenarios/\(name).scn")
    return try ScenarioParser.parse(String(contentsOf: url, encoding: .utf8), source: "\(name).scn")
  }

  /// Lines of a scenario whose step fails, by (strategy, scenario), for designs whose
  /// documented limitations make a step impossible. Every other pair must pass.
  static let expectedFailures: [String: [String: [Int]]] = [:]

  static func run(_ strategy: any SwitchStrategy, _ scenario: Scenario) -> ScenarioRun {
    func open<S: SwitchStrategy>(_ strategy: S) -> ScenarioRun {
      ScenarioRunner.run(scenario, strategy: strategy)
    }
    return open(strategy)
  }

  @Test(arguments: StrategyCatalog.names, scenarioNames)
  func scenarioPassesUnlessALimitationForbidsIt(strategyName: String, scenarioName: String) throws {
    let strategy = try #require(StrategyCatalog.strategy(named: strategyName))
    let run = Self.run(strategy, try Self.load(scenarioName))
    let expected = Self.expectedFailures[strategyName]?[scenarioName] ?? []
    #expect(run.error == nil, "\(run.render())")
    #expect(run.failures.map(\.step.location.line) == expected, "\(run.render())")
    if expected.isEmpty {
      #expect(run.violationCount == 0, "\(run.render())")
      #expect(run.passed)
    }
  }
}
