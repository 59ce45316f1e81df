import Foundation
import IOPBCommands
import Testing

let sampleTracePath = repositoryRoot.appendingPathComponent("examples/traces/hackbench-ioport.trace.gz").path
let samplePortOptions = ["--ioperm", "comm=lpt-poll:0x378-0x37a", "--ioperm", "comm=rtc-iopl:iopl3:0x70-0x71"]

func iopbReplay(_ arguments: [String]) throws -> CommandOutput {
  try IOPB.Replay.parse(arguments).execute()
}

@Suite struct ReplayTests {
  static let usageCases: [UsageCase] = [
    UsageCase(arguments: [], message: "Missing expected argument"),
    UsageCase(arguments: ["t", "--ioperm", "lpt"], message: "--ioperm 'lpt': expected SELECTOR:GRANT"),
    UsageCase(arguments: ["t", "--strategy", "linux-9.9"], message: "unknown strategy 'linux-9.9'"),
    UsageCase(arguments: ["t", "--format", "xml"], message: "unknown format 'xml'"),
    UsageCase(arguments: ["t", "--cpus", "0"], message: "--cpus must be 1 to 4096, not 0"),
    UsageCase(arguments: ["t", "--max-events", "0"], message: "--max-events must be positive, not 0"),
    UsageCase(arguments: ["t", "--max-events", "9223372036854775807"], message: "--max-events must be at most 1000000000"),
    UsageCase(arguments: ["t", "--touch-rate", "10000000000000000"], message: "--touch-rate must be 0 to 1048576"),
    UsageCase(arguments: ["t", "--set", "nonsense"], message: "--set"),
  ]

  @Test(arguments: usageCases)
  func badOptionsExit64WithOneLine(_ testCase: UsageCase) throws {
    let error = try #require(usageError(IOPB.Replay.self, testCase.arguments))
    #expect(error.exitCode == 64)
    #expect(!error.message.contains("\n"))
    #expect(error.message.contains(testCase.message), "\(error.message)")
  }

  /// The sample, as docs/replay.md replays it: compare's table with the trace as the workload,
  /// exit 0, no violation.
  @Test func sampleTracePrintsTheTable() throws {
    let report = try iopbReplay([sampleTracePath] + samplePortOptions + ["--strategy", "linux-5.5", "--strategy", "linux-2.6.8-full"])
    #expect(report.exitCode == 0, "\(report.diagnostics)")
    #expect(report.diagnostics.isEmpty)
    let lines = report.output.split(separator: "\n").map(String.init)
    #expect(lines[0].hasPrefix("trace \(sampleTracePath): 16819 lines"))
    #expect(lines.contains { $0.hasPrefix("hackbench-ioport.trace.gz: 10834 switches") })
    let ranked = lines.map { $0.split(separator: " ") }.filter { $0.count > 2 && ["1", "2"].contains($0[0]) }.map { $0[1] }
    #expect(Set(ranked) == ["linux-5.5", "linux-2.6.8-full"])
  }

  @Test func jsonIsByteIdenticalAndTheSummaryGoesToDiagnostics() throws {
    let arguments = [sampleTracePath] + samplePortOptions + ["--strategy", "lazy-gp-copy", "--format", "json"]
    let first = try iopbReplay(arguments)
    let second = try iopbReplay(arguments)
    #expect(first == second)
    #expect(first.output.hasPrefix("{"))
    #expect(first.diagnostics.hasPrefix("note: trace "))
  }

  /// A malformed line: a warning naming it without --strict, exit 65 with
  /// `FILE:LINE: error: …` with it.
  @Test func strictMakesTheFirstMalformedLineFatal() throws {
    let path = try temporaryFile(
      "          <idle>-0       [000] d..2.    38.0: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=a next_pid=5 next_prio=120\nnot a trace line\n",
      name: "bad.trace")
    let lenient = try iopbReplay([path, "--strategy", "linux-5.5"])
    #expect(lenient.exitCode == 0)
    #expect(lenient.diagnostics == "warning: \(path):2: no TASK-PID column at the start of the line")
    let strict = try iopbReplay([path, "--strategy", "linux-5.5", "--strict"])
    #expect(strict.exitCode == 65)
    #expect(strict.output.isEmpty)
    #expect(strict.diagnostics == "\(path):2: error: no TASK-PID column at the start of the line")
  }

  @Test func unreadableTraceExits65() throws {
    let report = try iopbReplay(["/nonexistent/x.trace", "--strategy", "linux-5.5"])
    #expect(report.exitCode == 65)
    #expect(report.diagnostics == "/nonexistent/x.trace:0:0: error: no such file")
  }

  @Test func benchReplayPrintsRatesAgainstReading() throws {
    let report = try IOPB.Bench.parse(["--replay", sampleTracePath, "--repeats", "1", "--strategy", "linux-5.5"]).execute()
    #expect(report.exitCode == 0)
    let lines = report.output.split(separator: "\n").map(String.init)
    #expect(lines.count == 5)
    #expect(lines[2].hasPrefix("read lines, no processing"))
    #expect(lines[4].hasPrefix("parse + replay on linux-5.5"))
  }
}
