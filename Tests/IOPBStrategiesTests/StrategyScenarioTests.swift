import Foundation
import IOPBKernel
import IOPBMachine
import IOPBScenario
import IOPBSimulator
import IOPBStrategies
import Testing

/// Every scenario file under `scenarios/`, run on every strategy of the catalog.
@Suite struct StrategyScenarioTests {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("scenarios")

  /// The `*.scn` files of `scenarios/`, by name without the extension, listed (not named here)
  /// so that a new file is run too.
  static let scenarioNames: [String] = {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasSuffix(".scn") }.map { String($0.dropLast(4)) }.sorted()
  }()

  static func load(_ name: String) throws -> Scenario {
    let url = directory.appendingPathComponent("\(name).scn")
    return try ScenarioParser.parse(String(contentsOf: url, encoding: .utf8), source: "\(name).scn")
  }

  /// Why a step failed: the violation the double check reported, or else what went wrong.
  enum Failure: Sendable, Equatable {
    case wrongDenial, leak, interruptFlagChanged, kernelFault, referenceDiverged
    /// Violations of more than one kind on the line.
    case mixedViolations
    /// No violation, but the expected outcome was not met.
    case unmetExpectation
    /// No violation, but an invariant broke after the step.
    case brokenInvariant
  }

  /// Steps (by line) that fail, for designs whose documented limitations make them impossible.
  /// Every other pair of strategy and scenario must pass with no violation.
  static let expectedFailures: [String: [String: [Int: Failure]]] = [
    // Only ports 0–1023 fit NetBSD's 128-byte map: 0xffff stays denied. Its descriptor limit
    // ends at the map's last byte, so a map cannot grant 0x3f8–0x3ff (COM1) either.
    "netbsd-i386": [
      "errno-order": [15: .wrongDenial, 25: .wrongDenial, 26: .wrongDenial],
      "preempted-before-return": [10: .wrongDenial, 12: .wrongDenial, 14: .wrongDenial, 15: .wrongDenial, 18: .wrongDenial],
      // 0xfffc under iopl(3), 0x1000 under iopl(3) after exec and in t: past the map.
      "lifecycle": [16: .wrongDenial, 19: .wrongDenial, 26: .wrongDenial],
    ],
    // A dropped port (or iopl(3)) stays reachable until the next task switch: HelenOS's
    // ddi_iospace_disable_arch() touches no TSS.
    "helenos": [
      "selftest-ioperm": [15: .leak, 25: .leak],
      "selftest-iopl": [16: .leak],
      "lifecycle": [21: .leak],
    ],
    "windows-nt": [
      // p's ioperm set the shared map to p's new bitmap; t's own snapshot is not installed.
      // iopl(3) is real IOPL: inw 0xffff reaches past the last port.
      "lifecycle": [10: .wrongDenial, 17: .leak],
      // The shared map holds the child's last bitmap ({0x81}), not the parent's {0x80}.
      "selftest-ioperm": [28: .wrongDenial],
      // iopl(3) is real IOPL: CLI and STI execute instead of being skipped.
      "selftest-iopl": [8: .interruptFlagChanged, 9: .interruptFlagChanged],
    ],
    // The ports belong to the address space: p reaches what its thread t still holds.
    "zircon": [
      "lifecycle": [11: .leak]
    ],
    // A thread granted any port reaches every port.
    "redox": [
      "errno-order": [17: .leak],
      "lifecycle": [11: .leak, 21: .leak],
      "selftest-ioperm": [12: .leak, 22: .leak, 25: .leak],
      "selftest-iopl": [16: .leak],
    ],
  ]

  static func run(_ strategy: any SwitchStrategy, _ scenario: Scenario) -> ScenarioRun {
    func open<S: SwitchStrategy>(_ strategy: S) -> ScenarioRun {
      ScenarioRunner.run(scenario, strategy: strategy)
    }
    return open(strategy)
  }

  static func failure(_ violation: Violation) -> Failure {
    switch violation.kind {
    case .wrongDenial: .wrongDenial
    case .interruptFlagChanged: .interruptFlagChanged
    case .leak: .leak
    case .kernelFault: .kernelFault
    case .referenceDiverged: .referenceDiverged
    }
  }

  /// Why `record`, a failed step, failed.
  static func failure(of record: StepRecord) -> Failure {
    let kinds = Set(record.violations.map(failure))
    if kinds.count > 1 { return .mixedViolations }
    if let kind = kinds.first { return kind }
    return record.invariantViolations.isEmpty ? .unmetExpectation : .brokenInvariant
  }

  @Test func everyScenarioFileIsListed() {
    #expect(Self.scenarioNames.contains("lifecycle"))
    #expect(Self.scenarioNames.count >= 5)
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
      actual[record.step.location.line] = Self.failure(of: record)
    }
    #expect(actual == expected, "\(report)")
    #expect(run.violationCount == expected.count, "\(report)")
    if expected.isEmpty { #expect(run.passed, "\(report)") }
  }
}
