import Foundation
import IOPBText
import Testing

@testable import IOPBTrace

/// A temporary file holding `bytes`, removed by the caller.
func temporaryTrace(_ bytes: [UInt8], suffix: String = ".trace") throws -> String {
  let path = FileManager.default.temporaryDirectory
    .appendingPathComponent("iopb-trace-\(UUID().uuidString)\(suffix)").path
  try Data(bytes).write(to: URL(fileURLWithPath: path))
  return path
}

/// `text` compressed by the system's gzip, as a user's `.trace.gz` would be.
func gzipped(_ text: String) throws -> [UInt8] {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/sh")
  let input = Pipe()
  let output = Pipe()
  process.arguments = ["-c", "gzip -c"]
  process.standardInput = input
  process.standardOutput = output
  try process.run()
  input.fileHandleForWriting.write(Data(text.utf8))
  try input.fileHandleForWriting.close()
  let data = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return [UInt8](data)
}

/// Every event of a reader.
func events(_ reader: TraceReader) throws -> [TraceEvent] {
  var all: [TraceEvent] = []
  while let event = try reader.next() { all.append(event) }
  return all
}

struct TraceReaderTests {
  static let text = """
    # tracer: nop
    #
    # entries-in-buffer/entries-written: 3/3   #P:2
    #
               <idle>-0       [001] d..2.    38.035769: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=rcu_preempt next_pid=15 next_prio=120
      rcu_preempt-15      [001] d..2.    38.035842: sched_switch: prev_comm=rcu_preempt prev_pid=15 prev_prio=120 prev_state=I ==> next_comm=swapper/1 next_pid=0 next_prio=120
    garbage here
             init-1       [000] .....    38.102868: sched_process_fork: comm=init pid=1 child_comm=init child_pid=85
             init-1       [000] .....    38.102900: sched_process_fork: comm=init pid=1 child_pid=85
    CPU:1 [LOST 3 EVENTS]
    """

  @Test func malformedLinesAreCountedWithLineAndReason() throws {
    let path = try temporaryTrace(Array(Self.text.utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let reader = try TraceReader(path: path)
    let all = try events(reader)
    #expect(all.count == 3)
    let statistics = reader.statistics
    #expect(statistics.statedCPUCount == 2)
    #expect(statistics.headerLines == 4)
    #expect(statistics.lostEventMarkers == 1)
    #expect(statistics.switches == 2 && statistics.forks == 1)
    #expect(statistics.malformedLines == 2)
    #expect(statistics.firstMalformed.map(\.line) == [7, 9])
    #expect(statistics.firstMalformed[0].reason == .noTask)
    #expect(statistics.firstMalformed[1].description.hasPrefix("\(path):9: error: sched_process_fork: fields"))
  }

  @Test func strictStopsAtTheFirstMalformedLine() throws {
    let path = try temporaryTrace(Array(Self.text.utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let reader = try TraceReader(path: path, strict: true)
    #expect(throws: TraceReadError.malformed(MalformedLine(path: path, line: 7, reason: .noTask))) {
      _ = try events(reader)
    }
  }

  @Test func gzipAndPlainReadAlike() throws {
    let plain = try temporaryTrace(Array(Self.text.utf8))
    let compressed = try temporaryTrace(try gzipped(Self.text), suffix: ".trace.gz")
    defer {
      try? FileManager.default.removeItem(atPath: plain)
      try? FileManager.default.removeItem(atPath: compressed)
    }
    let fromPlain = try events(TraceReader(path: plain))
    let fromGzip = try events(TraceReader(path: compressed))
    #expect(fromPlain.count == 3)
    #expect(fromGzip == fromPlain)
  }

  /// Two members one after the other (`cat a.gz b.gz`), as gzip -d reads them.
  @Test func concatenatedGzipMembersReadAsOne() throws {
    let path = try temporaryTrace(try gzipped(Self.text + "\n") + gzipped(Self.text))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let reader = try TraceReader(path: path)
    #expect(try events(reader).count == 6)
  }

  @Test func truncatedGzipIsAnInputError() throws {
    let whole = try gzipped(String(repeating: Self.text + "\n", count: 50))
    let path = try temporaryTrace(Array(whole.prefix(whole.count / 2)), suffix: ".gz")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let reader = try TraceReader(path: path)
    #expect(throws: TraceReadError.self) { _ = try events(reader) }
    do {
      _ = try events(TraceReader(path: path))
    } catch let error as TraceReadError {
      #expect(error.description.contains(path))
      #expect(error.description.contains("gzip"))
    }
  }

  @Test func missingFileIsAnInputError() {
    #expect(throws: TraceReadError.input(InputError(path: "/nonexistent/t.trace", reason: .missing))) {
      _ = try TraceReader(path: "/nonexistent/t.trace")
    }
  }

  /// Standard input is a descriptor that cannot seek: gzip or not, it is told by its first bytes
  /// as they arrive through a pipe.
  @Test(arguments: [false, true])
  func readsAPipe(compressed: Bool) throws {
    let bytes = compressed ? try gzipped(Self.text) : Array(Self.text.utf8)
    var ends: [Int32] = [0, 0]
    #expect(pipe(&ends) == 0)
    let writeEnd = ends[1]
    // Seven bytes at a time, so the reader sees the gzip magic split across reads.
    let writer = Thread {
      var offset = 0
      while offset < bytes.count {
        let chunk = Array(bytes[offset..<min(offset + 7, bytes.count)])
        let written = chunk.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
        if written <= 0 { break }
        offset += written
      }
      close(writeEnd)
    }
    writer.start()
    let lines = try TraceInput.open(descriptor: ends[0], name: "-", owned: true)
    let reader = TraceReader(lines: lines)
    #expect(try events(reader).count == 3)
    #expect(reader.statistics.malformedLines == 2)
  }
}
