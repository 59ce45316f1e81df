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
    let report = run.render()
    #expect(report.contains("\n   3  a: inb 0x80 "))
    #expect(report.contains("allow   FAIL: expected deny"))
    #expect(report.hasSuffix("== FAIL: 4 steps, 3 expectations, 1 failed, 0 violations"))
  }

  @Test func aViolationFailsAndListsTheStepsThatLedToIt() throws {
    let run = try run(
      "process a cpu0\nprocess b cpu0\na: ioperm 0x80 1 1\na: inb 0x80\nb: inb 0x80",
      strategy: Linux55Strategy(defects: [.keepsBaseOnSwitchOut]))
    #expect(run.violationCount == 1)
    let report = run.render()
    #expect(report.contains("VIOLATION: LEAK: b on cpu0 inb 0x80 allowed (bits clear) but the thread is not entitled"))
    #expect(report.contains("5: cpu0: switch to b"))
  }

  @Test func aStepThatCannotBeTakenStopsTheRunAtItsLine() throws {
    let run = try run("process a cpu0\ninject enomem\na: fork b -> ENOMEM\nb: inb 0x80")
    #expect(run.records.count == 3)
    #expect(run.error?.description == "t.scn:4:1: error: thread 'b' does not exist (its fork or clone failed)")
    let exited = try self.run("process a cpu0\na: exit\na: inb 0x80")
    #expect(exited.error?.description == "t.scn:3:1: error: a has exited")
  }

  @Test func namesAreRenderedNotSubstituted() throws {
    // The machine numbers these thread0 (named thread1) and thread1 (named thread0).
    let report = try run("process thread1 cpu0\nprocess thread0 cpu0 user\nthread0: inb 0x80 -> deny").render(trace: true)
    #expect(report.contains("· cpu0: switch to thread0"))
    #expect(!report.contains("switch to thread1"))
  }

  @Test func traceShowsImplicitSchedulingSteps() throws {
    let report = try run("cpus 2\nprocess a cpu0\na: inb 0x80\na: migrate cpu1").render(trace: true)
    #expect(report.contains("· cpu0: switch to a"))
    #expect(report.contains("· a: migrate to cpu1"))
    #expect(report.contains("· cpu1: switch to a"))
    #expect(report.contains("· cpu1: return to user"))
  }
}
