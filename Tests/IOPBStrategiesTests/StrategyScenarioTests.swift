import Foundation
import IOPBKernel
import IOPBScenario
import IOPBSimulator
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

  /// What a documented limitation makes a step do: the violation the double check reports.
  enum Failure: Sendable, Equatable {
    case wrongDenial, interruptFlagChanged
  }

  /// Steps (by line) that fail, for designs whose documented limitations make them impossible.
  /// Every other pair of strategy and scenario must pass with no violation.
  static let expectedFailures: [String: [String: [Int: Failure]]] = [
    // Only ports 0–1023 fit NetBSD's 128-byte map: 0xffff stays denied.
    "netbsd-i386": ["errno-order": [15: .wrongDenial, 25: .wrongDenial, 26: .wrongDenial]],
    "windows-nt": [
      // The shared map holds the child's last bitmap ({0x81}), not the parent's {0x80}.
      "selftest-ioperm": [28: .wrongDenial],
      // iopl(3) is real IOPL: CLI and STI execute instead of being skipped.
      "selftest-iopl": [8: .interruptFlagChanged, 9: .interruptFlagChanged],
    ],
  ]

  static func run(_ strategy: any SwitchStrategy, _ scenario: Scenario) -> ScenarioRun {
    func open<S: SwitchStrategy>(_ strategy: S) -> ScenarioRun {
      ScenarioRunner.run(scenario, strategy: strategy)
    }
    return open(strategy)
  }

  static func failure(_ violation: Violation) -> Failure? {
    switch violation.kind {
    case .wrongDenial: .wrongDenial
    case .interruptFlagChanged: .interruptFlagChanged
    case .leak: nil
    }
  }

  @Test(arguments: StrategyCatalog.names, scenarioNames)
  func scenarioPassesUnlessALimitationForbidsIt(strategyName: String, scenarioName: String) throws {
    let strategy = try #require(StrategyCatalog.strategy(named: strategyName))
    let run = Self.run(strategy, try Self.load(scenarioName))
    let expected = Self.expectedFailures[strategyName]?[scenarioName] ?? [:]
    let report = run.render()
    #expect(run.error == nil, "\(report)")
    let brokenInvariants = run.records.flatMap(\.invariantViolations)
    #expect(brokenInvariants.isEmpty, "\(report)")
    var actual: [Int: Failure] = [:]
    for record in run.failures {
      let kinds = Set(record.violations.map(Self.failure))
      actual[record.step.location.line] = kinds.count == 1 ? kinds.first ?? nil : nil
    }
    #expect(actual == expected, "\(report)")
    let violations = run.violationCount
    #expect(violations == expected.count, "\(report)")
    if expected.isEmpty { #expect(strategy.limitations.isEmpty || run.passed) }
  }
}
