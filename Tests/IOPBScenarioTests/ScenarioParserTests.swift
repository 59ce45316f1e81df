import IOPBKernel
import IOPBScenario
import Testing

struct MalformedCase: Sendable, CustomTestStringConvertible {
  var text: String
  var expected: String
  var testDescription: String { expected }
}

@Suite struct ScenarioParserTests {
  static let malformed: [MalformedCase] = [
    MalformedCase(text: "process a cpu0\nfrobnicate", expected: "t.scn:2:1: error: unknown line 'frobnicate': expected cpus, ports, config, process, switch, return, vmexit, inject or 'THREAD: operation'"),
    MalformedCase(text: "process a cpu0\na: ioperm 0x80 1", expected: "t.scn:2:4: error: usage: ioperm FROM NUM ON"),
    MalformedCase(text: "process a cpu0\na: ioperm 0x8g 1 1", expected: "t.scn:2:11: error: '0x8g' is not a number (decimal or 0x hexadecimal)"),
    MalformedCase(text: "process a cpu0\na: ioperm 1 1 maybe", expected: "t.scn:2:15: error: expected on/off or a number, found 'maybe'"),
    MalformedCase(text: "process a cpu1", expected: "t.scn:1:11: error: cpu1 does not exist: the scenario has 1 cpu(s)"),
    MalformedCase(text: "process a cpu0\nb: inb 0x80", expected: "t.scn:2:1: error: unknown thread 'b'"),
    MalformedCase(text: "process a cpu0\na: inb 0x10000", expected: "t.scn:2:8: error: 0x10000 is larger than 65535"),
    MalformedCase(text: "ports 128\nprocess a cpu0\na: inb 128", expected: "t.scn:3:8: error: 128 is larger than 127"),
    MalformedCase(text: "process a cpu0\na: inq 0x80", expected: "t.scn:2:4: error: unknown operation 'inq': expected ioperm, iopl, fork, thread, ioworker, exec, exit, setresuid, migrate, cli, sti or a port instruction (inb, outw, insl, …)"),
    MalformedCase(text: "process a cpu0\na: inb 0x80 -> ok", expected: "t.scn:2:1: error: this step cannot have the outcome 'ok'"),
    MalformedCase(text: "process a cpu0\na: inb 0x80 -> maybe", expected: "t.scn:2:16: error: unknown outcome 'maybe' (ok, EINVAL, EPERM, ENOMEM, ENOSYS, allow, deny, gp, nop, exec)"),
    MalformedCase(text: "process a cpu0\na: exit -> EPERM", expected: "t.scn:2:1: error: this step cannot have the outcome 'EPERM'"),
    MalformedCase(text: "cpus 2 -> ok", expected: "t.scn:1:8: error: 'cpus' is a header line: it has no outcome"),
    MalformedCase(text: "ports 128 -> deny", expected: "t.scn:1:11: error: 'ports' is a header line: it has no outcome"),
    MalformedCase(text: "config lockdown -> EPERM", expected: "t.scn:1:17: error: 'config' is a header line: it has no outcome"),
    MalformedCase(text: "process a cpu0\na: in\0b 0x80", expected: #"t.scn:2:4: error: unknown operation 'in\0b': expected ioperm, iopl, fork, thread, ioworker, exec, exit, setresuid, migrate, cli, sti or a port instruction (inb, outw, insl, …)"#),
    MalformedCase(text: "process a\u{7F} cpu0", expected: #"t.scn:1:9: error: 'a\u{7F}' is not a valid thread name"#),
    MalformedCase(text: "process a cpu0\na:\u{0C}inb 0x80", expected: #"t.scn:2:1: error: unknown line 'a:\u{0C}inb': expected cpus, ports, config, process, switch, return, vmexit, inject or 'THREAD: operation'"#),
    MalformedCase(text: "process a cpu0\ncpus 2", expected: "t.scn:2:1: error: 'cpus' must come before every process and step"),
    MalformedCase(text: "ports 100", expected: "t.scn:1:7: error: ports must be a multiple of 64 from 64 to 65536"),
    MalformedCase(text: "process a cpu0\nprocess a cpu0", expected: "t.scn:2:9: error: thread 'a' is already defined"),
    MalformedCase(text: "process 9a cpu0", expected: "t.scn:1:9: error: '9a' is not a valid thread name"),
    MalformedCase(text: "process a cpu0\nconfig lockdown", expected: "t.scn:2:1: error: 'config' must come before every process and step"),
    MalformedCase(text: "process idle cpu0", expected: "t.scn:1:9: error: 'idle' is a reserved name"),
    MalformedCase(text: "process é cpu0", expected: "t.scn:1:9: error: 'é' is not a valid thread name"),
    MalformedCase(text: "config turbo", expected: "t.scn:1:8: error: unknown config 'turbo' (lockdown, no-iopl-ioperm, no-cli-sti-fixup, deviation NAME)"),
    MalformedCase(text: "config deviation", expected: "t.scn:1:1: error: usage: config deviation NAME"),
    MalformedCase(text: "config deviation no-such-rule", expected: "t.scn:1:18: error: unknown deviation 'no-such-rule' (eperm-before-einval, fork-drops-permissions, exec-drops-permissions, no-sequence-bump, no-copy-on-write, failed-fork-drops-parent-bitmap, io-worker-inherits-flag)"),
    MalformedCase(text: "config lockdown on", expected: "t.scn:1:17: error: usage: config lockdown|no-iopl-ioperm|no-cli-sti-fixup|deviation NAME"),
    MalformedCase(text: "process a cpu0\na: ioworker w\nw: inb 0x80", expected: "t.scn:3:4: error: 'w' is an I/O worker: it never returns to user mode, so it can only ioworker, exit or migrate"),
    MalformedCase(text: "process a cpu0\na: ioworker", expected: "t.scn:2:4: error: usage: ioworker CHILD [cpuN]"),
    MalformedCase(text: "process a cpu0\na: ioworker w cpu3", expected: "t.scn:2:15: error: cpu3 does not exist: the scenario has 1 cpu(s)"),
    MalformedCase(text: "process a cpu0\na: ioworker w\nw: exit -> ENOMEM", expected: "t.scn:3:1: error: this step cannot have the outcome 'ENOMEM'"),
    MalformedCase(text: "process a cpu0\na: ioworker a", expected: "t.scn:2:13: error: thread 'a' is already defined"),
    MalformedCase(text: "-> ok", expected: "t.scn:1:1: error: an expectation needs a step before it"),
    MalformedCase(text: "switch core0 idle", expected: "t.scn:1:8: error: expected a CPU such as cpu0, found 'core0'"),
    MalformedCase(text: "inject eperm", expected: "t.scn:1:8: error: only 'inject enomem' is known"),
  ]

  @Test(arguments: malformed)
  func malformedLinesNameFileLineAndColumn(_ testCase: MalformedCase) {
    #expect(throws: ScenarioErrors.self) { try ScenarioParser.parse(testCase.text, source: "t.scn") }
    do {
      _ = try ScenarioParser.parse(testCase.text, source: "t.scn")
    } catch {
      #expect(error.errors.map(\.description) == [testCase.expected])
    }
  }

  @Test func everyErrorIsReportedNotJustTheFirst() {
    do {
      _ = try ScenarioParser.parse("cpus 0\nprocess a cpu0\na: iopl x\na: nope", source: "t.scn")
      Issue.record("expected errors")
    } catch {
      #expect(error.errors.map(\.location.line) == [1, 3, 4])
    }
  }

  @Test(arguments: [("1", true), ("0", false), ("on", true), ("off", false), ("4294967296", false), ("4294967297", true), ("-1", true), ("0x100000000", false)])
  func turnOnIsACInt(_ text: String, _ on: Bool) throws {
    let scenario = try ScenarioParser.parse("process a cpu0\na: ioperm 0x80 1 \(text)", source: "t.scn")
    #expect(scenario.steps[1].action == .syscall(thread: "a", .ioperm(from: 0x80, count: 1, turnOn: on)))
  }

  /// Only `\n` ends a line: a form feed, vertical tab, lone CR, NEL, LS or PS inside a comment
  /// leaves the rest of that line in the comment, and the next step keeps its line number.
  @Test(arguments: ["\u{0C}", "\u{0B}", "\r", "\u{85}", "\u{2028}", "\u{2029}"])
  func onlyLineFeedEndsALineOrAComment(_ separator: String) throws {
    let scenario = try ScenarioParser.parse(
      "process a cpu0 # comment\(separator)a: bogus -> ok\na: inb 0x80 -> deny\n", source: "t.scn")
    #expect(scenario.steps.count == 2)
    #expect(scenario.steps[1].location == SourceLocation(line: 2, column: 1))
  }

  @Test func exitMayExpectOkAsRunPrintsIt() throws {
    let scenario = try ScenarioParser.parse("process a cpu0\na: ioworker w\nw: exit -> ok\na: exit -> ok", source: "t.scn")
    #expect(scenario.steps.map(\.expectation) == [nil, nil, .ok, .ok])
  }

  @Test func reportingStopsAtTheErrorLimit() {
    let text = String(repeating: "nope\n", count: ScenarioParser.errorLimit + 50)
    #expect {
      try ScenarioParser.parse(text, source: "t.scn")
    } throws: { error in
      guard let errors = (error as? ScenarioErrors)?.errors else { return false }
      return errors.count == ScenarioParser.errorLimit + 1
        && errors.last?.description == "t.scn:\(ScenarioParser.errorLimit):0: error: stopping after \(ScenarioParser.errorLimit) problems"
    }
  }

  @Test func windowsLineEndingsParse() throws {
    let scenario = try ScenarioParser.parse("process a cpu0\r\na: ioperm 0x80 1 on -> ok\r\na: inb 0x80 -> allow\r\n", source: "t.scn")
    #expect(scenario.steps.count == 3)
    #expect(scenario.steps[2].expectation == .allow)
  }

  @Test func commentsNumbersAndExpectationsParse() throws {
    let scenario = try ScenarioParser.parse(
      """
      # header
      cpus 2
      ports 128
      config lockdown
      process a cpu1 user   # trailing comment
      a: ioperm 0x10 16 on -> EPERM
      a: iopl -1 -> EINVAL
      a: outsw 0x7f -> deny
      switch cpu0 idle
      """, source: "t.scn")
    #expect(scenario.cpuCount == 2)
    #expect(scenario.kernel.portCount == 128)
    #expect(scenario.kernel.lockdown)
    #expect(scenario.steps.count == 5)
    #expect(scenario.steps[1].action == .syscall(thread: "a", .ioperm(from: 16, count: 16, turnOn: true)))
    #expect(scenario.steps[1].expectation == .errno(.notPermitted))
    #expect(scenario.steps[2].action == .syscall(thread: "a", .iopl(level: .max)))
    #expect(scenario.steps[3].location == SourceLocation(line: 8, column: 1))
    #expect(scenario.steps[4].action == .contextSwitch(cpu: 0, to: nil))
  }

  @Test func deviationsAndIOWorkersParse() throws {
    let scenario = try ScenarioParser.parse(
      """
      cpus 2
      config deviation io-worker-inherits-flag
      config deviation no-sequence-bump
      process t cpu0
      t: ioworker w cpu1 -> ok
      w: ioworker w2 -> ENOMEM
      w: migrate cpu0
      w2: exit
      switch cpu1 w
      """, source: "t.scn")
    #expect(scenario.kernel.deviations == [.ioWorkerInheritsFlag, .noSequenceBump])
    #expect(scenario.steps.map(\.action) == [
      .process(name: "t", cpu: 0, credentials: .root),
      .syscall(thread: "t", .ioWorker(child: "w", cpu: 1)),
      .ioWorker(thread: "w", .ioWorker(child: "w2", cpu: nil)),
      .migrate(thread: "w", cpu: 0),
      .ioWorker(thread: "w2", .exit),
      .contextSwitch(cpu: 1, to: "w"),
    ])
    #expect(scenario.steps[2].expectation == .errno(.noMemory))
  }
}
