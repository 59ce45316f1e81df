import Testing

@testable import IOPBTrace

/// Real line shapes: tracefs of several kernel versions (flags 4 or 5 wide, irq-info off,
/// record-tgid, a counter clock), trace_pipe, and trace-cmd report with and without -l.
struct TraceLineParserTests {
  struct Case: Sendable, CustomStringConvertible {
    var name: String
    var line: String
    var expected: TraceEvent
    var description: String { name }
  }

  static let switchKind = TraceEvent.Kind.contextSwitch(
    previous: 1234, previousName: TaskName("bash"), state: .blocked, next: 0, nextName: TaskName("swapper/1"))

  static let cases: [Case] = [
    Case(
      name: "tracefs 6.x, 5 flags",
      line: "            bash-1234    [001] d..2.  5361.123456: sched_switch: prev_comm=bash prev_pid=1234 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
      expected: TraceEvent(cpu: 1, pid: 1234, name: TaskName("bash"), timestamp: 5_361_123_456_000, kind: switchKind)),
    Case(
      name: "tracefs 4.x, 4 flags, 5-wide pid",
      line: "            bash-1234  [001] d..3  5361.123456: sched_switch: prev_comm=bash prev_pid=1234 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
      expected: TraceEvent(cpu: 1, pid: 1234, name: TaskName("bash"), timestamp: 5_361_123_456_000, kind: switchKind)),
    Case(
      name: "irq-info off",
      line: "            bash-1234  [001]  5361.123456: sched_switch: prev_comm=bash prev_pid=1234 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
      expected: TraceEvent(cpu: 1, pid: 1234, name: TaskName("bash"), timestamp: 5_361_123_456_000, kind: switchKind)),
    Case(
      name: "record-tgid, 4-digit CPU field",
      line: "            bash-1234    (   1200) [0001] dNh2.  5361.123456: sched_switch: prev_comm=bash prev_pid=1234 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
      expected: TraceEvent(cpu: 1, pid: 1234, tgid: 1200, name: TaskName("bash"), timestamp: 5_361_123_456_000, kind: switchKind)),
    Case(
      name: "unknown tgid, name with spaces and dashes, <...>",
      line: "           <...>-77      (-------) [000] ..... 12.000001: sched_wakeup: comm=Web Content-x pid=77 prio=120 target_cpu=001",
      expected: TraceEvent(
        cpu: 0, pid: 77, timestamp: 12_000_001_000,
        kind: .wakeup(pid: 77, name: TaskName("Web Content-x"), targetCPU: 1, isNew: false))),
    Case(
      name: "comm with a dash and digits",
      line: "   gnome-shell-2-4242    [000] d..2.   100.000000: sched_process_exit: comm=gnome-shell-2 pid=4242 prio=120 group_dead=1",
      expected: TraceEvent(cpu: 0, pid: 4242, name: TaskName("gnome-shell-2"), timestamp: 100_000_000_000, kind: .exit(pid: 4242))),
    Case(
      name: "counter clock (no decimals)",
      line: "            bash-1234  [000] ....   123456789: sched_process_fork: comm=bash pid=1234 child_comm=bash child_pid=1300",
      expected: TraceEvent(
        cpu: 0, pid: 1234, name: TaskName("bash"), timestamp: 123_456_789,
        kind: .fork(parent: 1234, child: 1300, childName: TaskName("bash")))),
    Case(
      name: "exec: comm is the file's basename",
      line: "              sh-1300    [000] ...1.   101.500000: sched_process_exec: filename=/usr/sbin/a very long program name pid=1300 old_pid=1300",
      expected: TraceEvent(
        cpu: 0, pid: 1300, name: TaskName("sh"), timestamp: 101_500_000_000,
        kind: .exec(pid: 1300, name: TaskName("a very long pro")))),
    Case(
      name: "migrate, old wakeup with success=",
      line: "     ksoftirqd/0-9       [000] d.s3   55.000010: sched_migrate_task: comm=make pid=300 prio=120 orig_cpu=0 dest_cpu=1",
      expected: TraceEvent(
        cpu: 0, pid: 9, name: TaskName("ksoftirqd/0"), timestamp: 55_000_010_000,
        kind: .migrate(pid: 300, origin: 0, destination: 1))),
    Case(
      name: "3.x wakeup_new with success",
      line: "            make-300   [001] d..2   55.000020: sched_wakeup_new: comm=make pid=301 prio=120 success=1 target_cpu=000",
      expected: TraceEvent(
        cpu: 1, pid: 300, name: TaskName("make"), timestamp: 55_000_020_000,
        kind: .wakeup(pid: 301, name: TaskName("make"), targetCPU: 0, isNew: true))),
    Case(
      name: "trace-cmd report, plugin format",
      line: "          <idle>-0     [001]  3017.046925: sched_switch:         swapper/1:0 [120] R ==> trace-cmd:5151 [120]",
      expected: TraceEvent(
        cpu: 1, pid: 0, name: TaskName("<idle>"), timestamp: 3_017_046_925_000,
        kind: .contextSwitch(
          previous: 0, previousName: TaskName("swapper/1"), state: .runnable, next: 5151, nextName: TaskName("trace-cmd")))),
    Case(
      name: "trace-cmd report 3.x, flags and nanoseconds",
      line: "       trace-cmd-5151  [000] d..2. 3017.046925123: sched_switch:         trace-cmd:5151 [120] D|K ==> kworker/0:1:33 [120]",
      expected: TraceEvent(
        cpu: 0, pid: 5151, name: TaskName("trace-cmd"), timestamp: 3_017_046_925_123,
        kind: .contextSwitch(
          previous: 5151, previousName: TaskName("trace-cmd"), state: .blocked, next: 33, nextName: TaskName("kworker/0:1")))),
    Case(
      name: "trace-cmd report -l",
      line: "  <idle>-0       1d..2. 3017.046925: sched_wakeup:         sshd:700 [120] CPU:001",
      expected: TraceEvent(
        cpu: 1, pid: 0, name: TaskName("<idle>"), timestamp: 3_017_046_925_000,
        kind: .wakeup(pid: 700, name: TaskName("sshd"), targetCPU: 1, isNew: false))),
    Case(
      name: "trace-cmd report, time diff, dead task",
      line: "              ls-900   [000]  10.000100: (+12)    sched_switch:         ls:900 [120] Z ==> swapper/0:0 [120]",
      expected: TraceEvent(
        cpu: 0, pid: 900, name: TaskName("ls"), timestamp: 10_000_100_000,
        kind: .contextSwitch(previous: 900, previousName: TaskName("ls"), state: .dead, next: 0, nextName: TaskName("swapper/0")))),
    Case(
      name: "another event",
      line: "          <idle>-0       [000] d.h1.   99.999999: irq_handler_entry: irq=4 name=ttyS0",
      expected: TraceEvent(cpu: 0, pid: 0, name: TaskName("<idle>"), timestamp: 99_999_999_000, kind: .other)),
  ]

  @Test(arguments: cases)
  func readsEvent(_ testCase: Case) {
    var line = testCase.line
    let parsed = line.withUTF8 { TraceLineParser.parse($0) }
    var expected = testCase.expected
    // The task column's "<...>" and "<idle>" name nothing the replay uses beyond the text.
    if case .event(let event) = parsed, event.name.isEmpty { expected.name = TaskName() }
    #expect(parsed == .event(expected))
  }

  @Test(arguments: [
    ("# tracer: nop", TraceLine.header(cpuCount: nil)),
    ("# entries-in-buffer/entries-written: 41/41   #P:2", .header(cpuCount: 2)),
    ("", .header(cpuCount: nil)),
    ("cpus=4", .header(cpuCount: 4)),
    ("version = 6", .header(cpuCount: nil)),
    ("CPU 1 is empty", .header(cpuCount: nil)),
    ("CPU:1 [LOST 312 EVENTS]", .lostEvents(cpu: 1)),
    ("CPU:0 [12 EVENTS DROPPED]", .lostEvents(cpu: 0)),
    ("hello world", .malformed(.noTask)),
    ("bash-12 [x] 1.0: sched_switch: a", .malformed(.noCPU)),
    ("bash-12 [001] d..2. sched_switch: prev_comm=a", .malformed(.noTimestamp)),
    ("bash-12 [001] 1.000000:", .malformed(.noEventName)),
    ("bash-12 [001] 99999999999.000000: sched_switch: prev_comm=a", .malformed(.noTimestamp)),
    // Seconds that fit in nanoseconds, with a fraction that then does not.
    ("bash-12 [001] 9223372036.999999999: sched_switch: prev_comm=a", .malformed(.noTimestamp)),
    (
      "bash-12 [001] 1.000000: sched_switch: prev_comm=bash prev_pid=x",
      .malformed(
        .badFields(event: "sched_switch", expected: "prev_comm=… prev_pid=… prev_state=… ==> next_comm=… next_pid=…"))
    ),
    (
      // Found by the trace fuzz target: the last " next_pid=" before the arrow once crashed.
      "bash-12 [001] 1.000000: sched_switch: prev_comm=a next_pid=0 prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b",
      .malformed(
        .badFields(event: "sched_switch", expected: "prev_comm=… prev_pid=… prev_state=… ==> next_comm=… next_pid=…"))
    ),
    (
      // Found by the trace fuzz target: a ' child_pid=' before ' child_comm=' once crashed.
      "bash-12 [001] 1.000000: sched_process_fork: comm=bash pid=12 child_pid=13 child_comm=x",
      .malformed(.badFields(event: "sched_process_fork", expected: "comm=… pid=… child_comm=… child_pid=…"))
    ),
    (
      "bash-12 [001] 1.000000: sched_process_fork: comm=bash pid=12",
      .malformed(.badFields(event: "sched_process_fork", expected: "comm=… pid=… child_comm=… child_pid=…"))
    ),
  ])
  func classifiesOtherLines(_ text: String, _ expected: TraceLine) {
    var line = text
    #expect(line.withUTF8 { TraceLineParser.parse($0) } == expected)
  }

  @Test func taskNameKeepsFifteenBytes() {
    #expect(TaskName("0123456789abcdefgh").description == "0123456789abcde")
    #expect(TaskName("").isEmpty)
    #expect(TaskName("a") < TaskName("b"))
  }
}
