extension Workload {
  /// Threads of ``roundRobin(extentBytes:ioShare:switches:)``: its I/O share moves in steps of
  /// one over this.
  public static let roundRobinThreads = 20

  /// The workload a sweep parameterises (`iopb sweep --axis extent`, `--axis io-share`):
  /// ``roundRobinThreads`` SCHED_FIFO threads on one CPU, each running 10 µs and yielding, as
  /// Ingo Molnar's `ioperm-latency.c` does with two (costs.md §2), so they follow each other in
  /// a fixed cycle. `ioShare` × ``roundRobinThreads`` of them (spread evenly through the
  /// cycle) are I/O-port users, the k-th with its own bitmap from
  /// `ioperm(extentBytes × 8 − 1 − k, 1, 1)`: ports of the same last long, so every bitmap's
  /// extent is `extentBytes` (Linux's `io_bitmap_max`) and no two are alike. Each accesses its
  /// port once per run; the others hold no bitmap. So `ioShare` is the share of switches whose
  /// incoming thread holds a bitmap, and with two or more users every such switch brings a
  /// bitmap other than the one last loaded.
  ///
  /// Synthetic, for sweeps: no real program is modelled. Rates follow the built-in programs'
  /// defaults (100 bytes touched per µs), so small bitmaps stay in L1 and large ones fall to L2.
  ///
  /// - Parameters:
  ///   - extentBytes: 8 to 8192, a multiple of 8 (callers check).
  ///   - ioShare: 0 to 1; rounded to the nearest multiple of 1/``roundRobinThreads``.
  public static func roundRobin(extentBytes: Int, ioShare: Double, switches: Int = 1000) -> Workload {
    let users = Int((ioShare * Double(roundRobinThreads)).rounded())
    let lastPort = max(8, min(8192, extentBytes)) * 8 - 1
    var programs: [Program] = []
    var usersSoFar = 0
    for index in 0..<roundRobinThreads {
      // Bresenham's spread: thread `index` is a user when the running count of users steps.
      let isUser = (index + 1) * users / roundRobinThreads > index * users / roundRobinThreads
      var program = Program(name: isUser ? "user\(index)" : "plain\(index)")
      program.cpu = 0
      program.privileged = true
      program.realtime = true
      program.runMicroseconds = 10...10
      program.sleep = .random(1...1)
      if isUser {
        let port = UInt16(clamping: lastPort - usersSoFar)
        usersSoFar += 1
        program.grants = [.ioperm(from: port, count: 1)]
        program.ports = [port]
        program.accessesPerRun = 1
      }
      programs.append(program)
    }
    return Workload(
      name: "round-robin",
      summary: "\(roundRobinThreads) RT threads yielding on one CPU, \(users) of them with a \(extentBytes)-byte bitmap",
      cpuCount: 1, duration: .switches(switches), programs: programs)
  }
}
