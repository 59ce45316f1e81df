import Foundation
import IOPBMachine
import IOPBScenario
import IOPBStrategies
import Testing

@Suite struct ScenarioRunnerTests {
  func run(_ text: String, strategy: Linux55Strategy = Linux55Strategy()) throws -> ScenarioRun {
    ScenarioRunner.run(try ScenarioParser.parse(text, source: "t.scn"), strategy: strategy)
  }

  @Test func aWrongExpectationFailsAndShowsTheStep() throws {
    let run = try run("process a cpu0\na: ioperm 0x80 1 1 -> ok\na: inb 0x80 -> deny\na: inb 0x81 -> deny")
    #expect(!run.passed)
    #expect(run.failures.map(\.step.location.line) == [3])
    #expect(run.records[2].missedExpectation)
    #expect(run.records[2].outcome == .access(AccessOutcome(decision: .allowedByBitmap, entitled: true)))
    #expect(run.expectationCount == 3)
  }

  @Test func aViolationFailsAndListsTheStepsThatLedToIt() throws {
    let run = try run(
      "process a cpu0\nprocess b cpu0\na: ioperm 0x80 1 1\na: inb 0x80\nb: inb 0x80",
      strategy: Linux55Strategy(defects: [.keepsBaseOnSwitchOut]))
    #expect(run.violationCount == 1)
    let record = try #require(run.records.last)
    #expect(record.violations.map(\.isLeak) == [true])
    #expect(record.events.compactMap(\.step).contains(.contextSwitch(cpu: 0, to: run.threadNames.first { $0.value == "b" }?.key)))
  }

  /// A run is data: encoded to JSON and decoded, it is the same run.
  @Test func aRunRoundTripsThroughJSON() throws {
    let original = try run(
      "process a cpu0\nprocess b cpu0\na: ioperm 0x80 1 1 -> ok\na: inb 0x80\nb: inb 0x80\na: fork c -> ok",
      strategy: Linux55Strategy(defects: [.keepsBaseOnSwitchOut]))
    let decoded = try JSONDecoder().decode(ScenarioRun.self, from: JSONEncoder().encode(original))
    #expect(decoded == original)
    #expect(decoded.violationCount == 1)
  }

  @Test func aStepThatCannotBeTakenStopsTheRunAtItsLine() throws {
    let run = try run("process a cpu0\ninject enomem\na: fork b -> ENOMEM\nb: inb 0x80")
    #expect(run.records.count == 3)
    #expect(run.error?.description == "t.scn:4:1: error: thread 'b' does not exist (its fork or clone failed)")
    let exited = try self.run("process a cpu0\na: exit\na: inb 0x80")
    #expect(exited.error?.description == "t.scn:3:1: error: a has exited")
  }
}
