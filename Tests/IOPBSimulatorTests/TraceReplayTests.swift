import Foundation
import IOPBCost
import IOPBStrategies
import IOPBTrace
import Testing

@testable import IOPBSimulator

/// The sample trace the project records (scripts/record-trace).
let sampleTrace = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("examples/traces/hackbench-ioport.trace.gz").path

/// Its two I/O-port users, as docs/replay.md replays them.
let samplePortUsers = ["comm=lpt-poll:0x378-0x37a", "comm=rtc-iopl:iopl3:0x70-0x71"]

func sampleOptions() throws -> TraceReplayOptions {
  var options = TraceReplayOptions()
  options.ioPortUsers = try samplePortUsers.map { try IOPortUser(parsing: $0) }
  return options
}

/// A tracefs trace of `processes` short-lived processes on 2 CPUs: each is forked by a shell
/// (pid 100) on CPU 0, runs `runs` times on alternate CPUs and exits; every seventh is an
/// I/O-port user (`portio`). Deterministic.
func generatedTrace(processes: Int, runs: Int = 3) -> String {
  var lines = ["# entries-in-buffer/entries-written: 0/0   #P:2"]
  var time: Int64 = 1_000_000
  func line(_ comm: String, _ pid: Int, cpu: Int, _ event: String) {
    time += 7
    let stamp = "\(time / 1_000_000).\(String(format: "%06d", time % 1_000_000))"
    lines.append("\(String(repeating: " ", count: max(0, 16 - comm.count)))\(comm)-\(pid)  [00\(cpu)] d..2.  \(stamp): \(event)")
  }
  func switchLine(cpu: Int, from: (String, Int), to: (String, Int), state: String) {
    line(from.0, from.1, cpu: cpu,
      "sched_switch: prev_comm=\(from.0) prev_pid=\(from.1) prev_prio=120 prev_state=\(state) ==> next_comm=\(to.0) next_pid=\(to.1) next_prio=120")
  }
  let shell = ("sh", 100)
  let idle1 = ("swapper/1", 0)
  switchLine(cpu: 0, from: ("swapper/0", 0), to: shell, state: "R")
  for index in 0..<processes {
    let pid = 1000 + index % 30_000
    let comm = index % 7 == 0 ? "portio" : "job"
    line("sh", 100, cpu: 0, "sched_process_fork: comm=sh pid=100 child_comm=sh child_pid=\(pid)")
    line("sh", 100, cpu: 0, "sched_wakeup_new: comm=sh pid=\(pid) prio=120 target_cpu=001")
    switchLine(cpu: 1, from: idle1, to: ("sh", pid), state: "R")
    line("sh", pid, cpu: 1, "sched_process_exec: filename=/usr/bin/\(comm) pid=\(pid) old_pid=\(pid)")
    for run in 0..<runs {
      let cpu = run % 2 == 0 ? 1 : 0
      if cpu == 0 {
        switchLine(cpu: 0, from: shell, to: (comm, pid), state: "S")
        switchLine(cpu: 0, from: (comm, pid), to: shell, state: "S")
      } else if run > 0 {
        switchLine(cpu: 1, from: idle1, to: (comm, pid), state: "R")
        switchLine(cpu: 1, from: (comm, pid), to: idle1, state: "S")
      }
      if run == 0 { switchLine(cpu: 1, from: (comm, pid), to: idle1, state: "S") }
    }
    switchLine(cpu: 1, from: idle1, to: (comm, pid), state: "R")
    line(comm, pid, cpu: 1, "sched_process_exit: comm=\(comm) pid=\(pid) prio=120")
    switchLine(cpu: 1, from: (comm, pid), to: idle1, state: "X")
  }
  return lines.joined(separator: "\n") + "\n"
}

func writeTemporary(_ text: String) throws -> String {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("iopb-replay-\(UUID().uuidString).trace").path
  try text.write(toFile: path, atomically: true, encoding: .utf8)
  return path
}

struct TraceReplayTests {
  /// Every row's unexplained violations and failure, one line each.
  static func problems(_ comparison: Comparison) -> [String] {
    comparison.rows.flatMap { row in
      row.unexplainedViolations.map { "\(row.workload) × \(row.strategy): \($0)" }
        + (row.failure.map { ["\(row.workload) × \(row.strategy): failed: \($0)"] } ?? [])
    }
  }

  /// The recorded sample: every strategy replays it to the end with no violation its
  /// limitations do not explain, the port users touch their ports, nothing needed repair.
  @Test func sampleTraceReplaysCleanUnderEveryStrategy() throws {
    let result = try TraceReplay.compare(trace: sampleTrace, options: sampleOptions(), strategies: StrategyCatalog.all)
    #expect(result.statistics.switches >= 10_000)
    #expect(result.statistics.malformedLines == 0)
    #expect(result.notes.cpuCount == 2)
    #expect(result.notes.repairedSwitches == 0)
    #expect(Self.problems(result.comparison) == [])
    #expect(result.comparison.rows.count == StrategyCatalog.all.count)
    for row in result.comparison.rows {
      #expect(row.switches > 10_000, "\(row.strategy)")
      #expect(row.activity.permissionCalls == 2, "\(row.strategy)")
      #expect(row.failure == nil, "\(row.strategy)")
    }
    let linux = try #require(result.comparison.rows.first { $0.strategy == "linux-5.5" })
    #expect(linux.switchCounts.sequenceCompares > 100)
  }

  /// Without port users no design has anything to do at a switch.
  @Test func withoutPortUsersNothingIsCopied() throws {
    let result = try TraceReplay.compare(trace: sampleTrace, strategies: [Linux268FullCopyStrategy(), Linux55Strategy()])
    for row in result.comparison.rows {
      #expect(row.switchCounts.bytesCopied == 0)
      #expect(row.statistics.mean == 0)
    }
  }

  @Test func sameTraceSameResult() throws {
    let strategies: [any SwitchStrategy] = [Linux55Strategy(), LazyGPCopyStrategy(), RemapInvlpgStrategy()]
    let first = try TraceReplay.compare(trace: sampleTrace, options: sampleOptions(), strategies: strategies)
    let second = try TraceReplay.compare(trace: sampleTrace, options: sampleOptions(), strategies: strategies)
    #expect(first.comparison == second.comparison)
    #expect(first.notes == second.notes)
  }

  /// A long fork-and-exit trace: the kernel model holds no more than its live tasks and the
  /// compaction slack, and dropping exited threads changes no figure of any design.
  @Test func kernelModelStaysBoundedAndCompactionChangesNothing() throws {
    let path = try writeTemporary(generatedTrace(processes: 3000))
    defer { try? FileManager.default.removeItem(atPath: path) }
    var compact = TraceReplayOptions()
    compact.ioPortUsers = [try IOPortUser(parsing: "comm=portio:0x378-0x37a")]
    compact.compactionSlack = 64
    var never = compact
    never.compactionSlack = Int.max / 4
    var peakThreads = 0
    var peakLive = 0
    let reader = try TraceReader(path: path)
    let compacted = try TraceReplay.compare(
      reader: reader, options: compact, strategies: StrategyCatalog.all, profile: .default
    ) { _, live, threads in
      peakThreads = max(peakThreads, threads)
      peakLive = max(peakLive, live)
    }
    let uncompacted = try TraceReplay.compare(
      reader: TraceReader(path: path), options: never, strategies: StrategyCatalog.all, profile: .default)
    #expect(compacted.notes.compactions > 10)
    #expect(uncompacted.notes.compactions == 0)
    #expect(compacted.notes.peakLiveTasks <= 4)
    #expect(peakThreads > 0 && peakThreads <= 2 * peakLive + 64)
    #expect(compacted.comparison.rows == uncompacted.comparison.rows)
    #expect(Self.problems(compacted.comparison) == [])
    #expect(compacted.comparison.rows.allSatisfy { $0.activity.exits == 3000 })
  }

  /// Damaged traces (bytes of the sample's lines replaced, deleted or repeated at random, CPU
  /// numbers past any machine) never stop the replay: every line is an event, a header or a
  /// counted malformed line, and the model repairs what the damage implies.
  @Test(arguments: [UInt64(1), 2, 3])
  func damagedTracesReplayWithoutFailing(seed: UInt64) throws {
    let reader = try TraceInput.open(sampleTrace)
    var random = SimulationRandom(seed: seed)
    var lines: [String] = []
    while lines.count < 3000, var bytes = try reader.nextLineBytes() {
      if !bytes.isEmpty, random.chance(permille: 100) {
        let at = random.uniform(0...(bytes.count - 1))
        switch random.uniform(0...2) {
        case 0: bytes[at] = UInt8(random.uniform(32...126))
        case 1: bytes.remove(at: at)
        default: bytes.insert(bytes[at], at: at)
        }
      }
      lines.append(String(decoding: bytes, as: UTF8.self))
    }
    lines.append("       bash-7  [9999999] d..2.  50.000000: sched_switch: prev_comm=bash prev_pid=7 prev_prio=120 prev_state=S ==> next_comm=swapper next_pid=0 next_prio=120")
    let path = try writeTemporary(lines.joined(separator: "\n"))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try TraceReplay.compare(
      trace: path, options: sampleOptions(), strategies: [Linux55Strategy(), Linux268FullCopyStrategy()])
    let statistics = result.statistics
    #expect(statistics.events + statistics.headerLines + statistics.malformedLines + statistics.lostEventMarkers == statistics.lines, "seed \(seed)")
    #expect(statistics.malformedLines > 0, "seed \(seed)")
    #expect(result.notes.eventsOutsideMachine >= 1, "seed \(seed)")
    #expect(result.comparison.rows.allSatisfy { $0.failure == nil }, "seed \(seed): \(Self.problems(result.comparison))")
  }

  @Test func maxEventsStopsWithAPartialResult() throws {
    var options = try sampleOptions()
    options.maxEvents = 500
    let result = try TraceReplay.compare(trace: sampleTrace, options: options, strategies: [Linux55Strategy()])
    #expect(result.partial)
    #expect(result.comparison.rows.allSatisfy { $0.partial })
    #expect(result.comparison.rows[0].events == 500)
  }

  @Test(arguments: [
    ("comm=lpt-poll:0x378-0x37a", IOPortUser.Selector.name(TaskName("lpt-poll")), [Program.Grant.ioperm(from: 0x378, count: 3)], [UInt16(0x378), 0x379, 0x37a]),
    ("pid=42:0x80,0x3f8-0x3f9", .pid(42), [.ioperm(from: 0x80, count: 1), .ioperm(from: 0x3f8, count: 2)], [0x80, 0x3f8, 0x3f9]),
    ("comm=Xorg:iopl3", .name(TaskName("Xorg")), [.iopl3], [0x80]),
    ("comm=Xorg:iopl3:0x3c0-0x3c1", .name(TaskName("Xorg")), [.iopl3], [0x3c0, 0x3c1]),
  ])
  func readsPortUserSpecifications(_ spec: String, _ selector: IOPortUser.Selector, _ grants: [Program.Grant], _ ports: [UInt16]) throws {
    let user = try IOPortUser(parsing: spec)
    #expect(user.selector == selector)
    #expect(user.grants == grants)
    #expect(user.ports == ports)
  }

  @Test(arguments: [
    ("lpt-poll", "expected SELECTOR:GRANT"),
    ("name=x:0x80", "the selector must be comm=NAME or pid=N"),
    ("pid=0:0x80", "the selector must be comm=NAME or pid=N"),
    ("comm=:0x80", "comm= needs a name of 1 to 15 bytes"),
    ("comm=0123456789abcdef:0x80", "comm= needs a name of 1 to 15 bytes"),
    ("comm=x:0x37a-0x378", "'0x37a-0x378' is not a port"),
    ("comm=x:0x10000", "'0x10000' is not a port"),
    ("comm=x:0x80:0x81", "only iopl3 takes :PORTS"),
  ])
  func rejectsBadSpecifications(_ spec: String, _ problem: String) {
    #expect {
      _ = try IOPortUser(parsing: spec)
    } throws: { error in
      "\(error)".contains(problem) && "\(error)".hasPrefix("--ioperm '\(spec)'")
    }
  }
}
