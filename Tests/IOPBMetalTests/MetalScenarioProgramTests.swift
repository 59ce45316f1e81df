import IOPBCPU
import IOPBScenario
import Testing

@testable import IOPBMetal

@Suite struct MetalScenarioProgramTests {
  func parse(_ text: String) throws -> Scenario { try ScenarioParser.parse(text, source: "t.scn") }

  @Test func compilesThreadsCallsAndAccessesForEachDesign() throws {
    let scenario = try parse("""
      process a cpu0
      process b cpu0 user
      a: ioperm 0x80 2 on -> ok
      b: ioperm 0x80 1 on -> EPERM
      a: fork c
      c: inw 0x80 -> allow
      switch cpu0 b
      b: inb 0x80 -> deny
      a: iopl 3 -> ok
      """)
    let run = MetalDesignRun(scenarios: [scenario], designs: [.linux55, .lazyGPCopy], firstID: 100)
    #expect(run.skipped.isEmpty)
    #expect(run.program.contains("D 0\nN 0\nN 1\nI 0 80 2 1\nF 0 2\nA 64 2 80 2\nS 1\nA 65 1 80 1\nL 0 3\nE\n"))
    #expect(run.program.contains("D 6\n"))
    #expect(run.accessCount == 2)
    // A CPU that answers as the model agrees; one that allows everything does not.
    let model = MetalTranscript(parsing: "R 64 A\nR 65 G 0\nR 66 A\nR 67 G 0\nDONE")
    #expect(run.compare(model).agrees)
    let permissive = MetalTranscript(parsing: "R 64 A\nR 65 A\nR 66 A\nR 67 A\nDONE")
    let report = run.compare(permissive)
    #expect(report.failures.count == 2)
    #expect(report.failures.first?.step == "t.scn:8: b: inb 0x80")
  }

  @Test func vmExitsCutTheLimitAndWorkersAreNotRun() throws {
    let scenario = try parse("process a cpu0\na: ioperm 0x80 1 on -> ok\nvmexit cpu0\na: inb 0x80 -> allow\n")
    let run = MetalDesignRun(scenarios: [scenario], designs: [.linux55])
    #expect(run.program.contains("I 0 80 1 1\nM\nA 0 0 80 1\n"))
    let workers = try parse("process a cpu0\na: ioworker w -> ok\n")
    let skipped = MetalDesignRun(scenarios: [workers])
    #expect(skipped.programs.isEmpty)
    #expect(skipped.skipped.first?.reason == "io_uring workers")
  }

  @Test func generatedScenariosParseRunAndAreDeterministic() throws {
    var first = MetalScenarioGenerator(seed: 5)
    var second = MetalScenarioGenerator(seed: 5)
    let texts = first.texts(count: 20)
    #expect(texts.map(\.text) == second.texts(count: 20).map(\.text))
    let scenarios = try texts.map { try ScenarioParser.parse($0.text, source: $0.name) }
    let run = MetalDesignRun(scenarios: scenarios)
    #expect(run.skipped.isEmpty)
    #expect(run.accessCount > 100)
  }
}
