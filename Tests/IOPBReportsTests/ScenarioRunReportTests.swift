import IOPBReports
import IOPBScenario
import IOPBStrategies
import Testing

@Suite struct ScenarioRunReportTests {
  func run(_ text: String, strategy: Linux55Strategy = Linux55Strategy()) throws -> ScenarioRun {
    ScenarioRunner.run(try ScenarioParser.parse(text, source: "t.scn"), strategy: strategy)
  }

  @Test func aWrongExpectationShowsTheStep() throws {
    let report = try run("process a cpu0\na: ioperm 0x80 1 1 -> ok\na: inb 0x80 -> deny\na: inb 0x81 -> deny").rendered()
    #expect(report.contains("\n   3  a: inb 0x80 "))
    #expect(report.contains("allow   FAIL: expected deny"))
    #expect(report.hasSuffix("== FAIL: 4 steps, 3 expectations, 1 failed, 0 violations"))
  }

  @Test func aViolationListsTheStepsThatLedToIt() throws {
    let report = try run(
      "process a cpu0\nprocess b cpu0\na: ioperm 0x80 1 1\na: inb 0x80\nb: inb 0x80",
      strategy: Linux55Strategy(defects: [.keepsBaseOnSwitchOut])
    ).rendered()
    #expect(report.contains("VIOLATION: LEAK: b on cpu0 inb 0x80 allowed (bits clear) but the thread is not entitled"))
    #expect(report.contains("steps that led to it"))
    #expect(report.contains("3: a: ioperm(0x80, 1, 1)"), "the call that set cpu0's TSS concerns it")
    #expect(report.contains("5: cpu0: switch to b"))
  }

  @Test func namesAreRenderedNotSubstituted() throws {
    // The machine numbers these thread0 (named thread1) and thread1 (named thread0).
    let report = try run("process thread1 cpu0\nprocess thread0 cpu0 user\nthread0: inb 0x80 -> deny").rendered(trace: true)
    #expect(report.contains("· cpu0: switch to thread0"))
    #expect(!report.contains("switch to thread1"))
  }

  @Test func traceShowsImplicitSchedulingSteps() throws {
    let report = try run("cpus 2\nprocess a cpu0\na: inb 0x80\na: migrate cpu1").rendered(trace: true)
    #expect(report.contains("· spawn a on cpu0"))
    #expect(report.contains("· cpu0: switch to a"))
    #expect(report.contains("· a: migrate to cpu1"))
    #expect(report.contains("· cpu1: switch to a"))
    #expect(report.contains("· cpu1: return to user"))
  }

  /// netbsd-i386's map covers ports below 1024 only: every access above is a violation its
  /// limitation explains. Thousands of them (issue #10: 3 000 printed 4.5 M lines) must give a
  /// report whose size per violation is bounded, so the whole grows linearly.
  @Test(arguments: [500, 2000])
  func aViolationReportIsBoundedPerViolation(accesses: Int) throws {
    var text = "process a cpu0\na: ioperm 0x400 64 1 -> ok\n"
    for index in 0..<accesses { text += "a: inb 0x\(String(0x400 + index % 64, radix: 16))\n" }
    let run = ScenarioRunner.run(try ScenarioParser.parse(text, source: "many.scn"), strategy: NetBSDi386Strategy())
    #expect(run.violationCount == accesses)
    let report = ScenarioRunReport(run)
    let lines = report.text.split(separator: "\n", omittingEmptySubsequences: false)
    // The step's line, the violation, the excerpt's heading, at most `context` steps, and
    // the thread's last system call after an ellipsis.
    let perViolation = 5 + report.context
    #expect(lines.count <= 4 + accesses * perViolation, "\(lines.count) lines for \(accesses) violations")
    #expect(lines.allSatisfy { $0.count <= 200 })
    #expect(report.text.contains("not shown):"))
  }
}
