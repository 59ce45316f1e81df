import IOPBKernel
import IOPBScenario
import IOPBStrategies
import Testing

/// io_uring's I/O workers on every design: created from a bitmap user and from a level-3 thread,
/// switched in and out, creating workers and exiting, they reach no port and break no invariant
/// under Linux's own rules (8b68e978718f: no flag, no bitmap, the level inherited).
@Suite struct IOWorkerDesignTests {
  static let scenario = """
    cpus 2
    process a cpu0
    process b cpu1
    a: ioperm 0x80 1 on -> ok
    b: iopl 3 -> ok
    a: ioworker wa -> ok
    b: ioworker wb cpu0 -> ok
    wa: ioworker wa2 cpu1 -> ok
    a: inb 0x80 -> allow
    wb: exit
    b: inb 0x200 -> allow
    inject enomem
    wa2: ioworker wa3 -> ENOMEM
    a: inb 0x80 -> allow
    wa: migrate cpu1
    b: inb 0x80 -> allow
    a: exec -> ok
    a: inb 0x81 -> deny
    """

  /// The catalogue's designs; its variants carry bugs of their own.
  @Test(arguments: StrategyCatalog.names)
  func workersBreakNoDesign(_ name: String) throws {
    let strategy = try #require(StrategyCatalog.strategy(named: name))
    let scenario = try ScenarioParser.parse(Self.scenario, source: "workers.scn")
    let run = MutantTests.run(strategy, scenario)
    // Redox's declared all-or-nothing limitation: a holds 0x80 and so reaches 0x81 too.
    let expectedFailures = name == "redox" ? [18] : []
    #expect(run.failures.map(\.step.location.line) == expectedFailures, "\(run.render())")
    if expectedFailures.isEmpty { #expect(run.passed, "\(run.render())") }
  }
}
