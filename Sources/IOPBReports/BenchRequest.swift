import IOPBCPU
import IOPBSimulator
import IOPBStrategies

/// The logic of `iopb bench`: host-time measurements taken side by side in one run, reported
/// as ratios (absolute host timings vary from run to run; ratios are what to compare).
///
/// 1. Simulated context switches per second for each strategy on one workload.
/// 2. Nanoseconds per CPU permission check (``IOPermissionCheck/decide``).
/// 3. For each strategy that copies, the simulation's time against a plain `memcpy` of the
///    same number of bytes in the same chunk size.
public struct BenchRequest: Sendable, Hashable {
  public var workload = Workload.highPort.name
  /// Strategy names; empty means the whole catalogue.
  public var strategies: [String] = []
  public var switches = 2000
  public var checks = 1_000_000

  public init() {}

  public func execute() -> CommandOutput {
    guard let workload = Workload.builtIn(named: workload) else {
      return .usage("unknown workload '\(self.workload)'; known: \(Workload.builtInNames.joined(separator: ", "))")
    }
    var chosen: [any SwitchStrategy] = []
    for name in strategies {
      guard let strategy = StrategyCatalog.strategy(named: name) else {
        return .usage("unknown strategy '\(name)'; known: \(StrategyCatalog.names.joined(separator: ", "))")
      }
      chosen.append(strategy)
    }
    guard switches > 0, checks > 0 else { return .usage("--switches and --checks must be positive") }
    let run = workload.with(duration: .switches(switches))
    var lines = [
      "bench: workload \(workload.name), \(switches) switches per strategy, \(Self.buildKind) build"
    ]

    var rows: [[String]] = []
    var measured: [(name: String, perSecond: Double, result: SimulationResult, seconds: Double)] = []
    for strategy in chosen.isEmpty ? StrategyCatalog.all : chosen {
      var result: SimulationResult?
      let seconds = Self.seconds { result = Simulator.simulate(run, strategy: strategy) }
      guard let result else { continue }
      measured.append((strategy.name, Double(result.switches) / max(seconds, 1e-9), result, seconds))
    }
    let fastest = measured.map(\.perSecond).max() ?? 1
    for entry in measured {
      let copied = entry.result.switchCounts.bytesCopied + entry.result.syscallCounts.bytesCopied
      let copies = entry.result.switchCounts.copies + entry.result.syscallCounts.copies
      var memcpyCells = ["-", "-", "-"]
      if copies > 0 {
        let memcpySeconds = Self.memcpySeconds(bytes: copied, copies: copies)
        memcpyCells = [
          String(copied), FixedPoint.format(memcpySeconds * 1e6, digits: 1),
          FixedPoint.format(entry.seconds / max(memcpySeconds, 1e-9), digits: 0),
        ]
      }
      rows.append(
        [
          entry.name, FixedPoint.format(entry.perSecond, digits: 0),
          FixedPoint.format(entry.perSecond / fastest, digits: 3), FixedPoint.format(entry.seconds * 1e6, digits: 0),
        ] + memcpyCells)
    }
    lines += Self.align(
      [["strategy", "switches/s", "vs fastest", "sim µs", "bytes copied", "memcpy µs", "sim/memcpy"]] + rows)

    let checkNanoseconds = Self.nanosecondsPerCheck(count: checks)
    let switchNanoseconds = measured.map { 1e9 / $0.perSecond }.min() ?? 0
    lines.append(
      "cpu check: \(FixedPoint.format(checkNanoseconds, digits: 2)) ns per IOPermissionCheck.decide over \(checks) checks; "
        + "the fastest simulated switch costs \(FixedPoint.format(switchNanoseconds / max(checkNanoseconds, 1e-9), digits: 0)) checks")
    return CommandOutput(output: lines.joined(separator: "\n"))
  }

  static var buildKind: String {
    var debug = false
    assert({ debug = true; return true }())
    return debug ? "debug (use -c release for representative numbers)" : "release"
  }

  static func seconds(_ body: () -> Void) -> Double {
    let elapsed = ContinuousClock().measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
  }

  /// Seconds for `copies` plain copies totalling `bytes`, into one TSS-sized buffer.
  static func memcpySeconds(bytes: Int, copies: Int) -> Double {
    let chunk = max(1, bytes / max(1, copies))
    let source = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 64)
    let destination = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 64)
    defer {
      source.deallocate()
      destination.deallocate()
    }
    source.initializeMemory(as: UInt8.self, repeating: 0xA5, count: chunk)
    destination.initializeMemory(as: UInt8.self, repeating: 0xFF, count: chunk)
    var checksum = 0
    let seconds = seconds {
      for index in 0..<copies {
        source.storeBytes(of: UInt8(truncatingIfNeeded: index), toByteOffset: 0, as: UInt8.self)
        destination.copyMemory(from: source, byteCount: chunk)
        checksum &+= Int(destination.load(fromByteOffset: chunk - 1, as: UInt8.self))
      }
    }
    return checksum == Int.min ? 0 : seconds
  }

  /// Nanoseconds per hardware check over a TSS holding a Linux bitmap with a few ports open.
  static func nanosecondsPerCheck(count: Int) -> Double {
    let layout = LinuxTSSLayout(portCount: 65536)
    var tss = layout.bootTSS()
    tss.ioMapBase = UInt16(layout.validMap)
    tss.fill(0x00, at: layout.validMap + 0x378 / 8, count: 1)
    var random = SimulationRandom(seed: 7)
    let accesses = (0..<1024).map { _ in IOAccess(.in, port: UInt16(random.uniform(0...0xFFFF))) }
    var allowed = 0
    let seconds = seconds {
      for index in 0..<count where IOPermissionCheck.decide(accesses[index & 1023], tss: tss).isAllowed {
        allowed += 1
      }
    }
    return allowed < 0 ? 0 : seconds * 1e9 / Double(count)
  }

  static func align(_ rows: [[String]]) -> [String] {
    guard let columns = rows.first?.count else { return [] }
    var widths = Array(repeating: 0, count: columns)
    for row in rows {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    return rows.map { row in
      row.enumerated().map { index, cell in
        let pad = String(repeating: " ", count: widths[index] - cell.count)
        return index == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
  }
}
