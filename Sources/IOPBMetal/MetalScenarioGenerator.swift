import IOPBSimulator

/// Seeded scenarios for the designs on metal: one CPU, up to six threads (processes, forks,
/// clones), `ioperm` grants and drops around a few hot ports, `iopl(3)` and back, explicit
/// switches, and accesses of every width near the granted ranges, without expectations (the
/// model's own decision is the reference).
public struct MetalScenarioGenerator {
  var random: SimulationRandom
  public let seed: UInt64

  public init(seed: UInt64) {
    self.seed = seed
    random = SimulationRandom(seed: seed)
  }

  static let hotPorts = [0x0, 0x60, 0x80, 0xED, 0x2F8, 0x1000, 0x7FF8, 0xFFF0]

  /// `count` scenario texts named `metal-random-SEED-N`.
  public mutating func texts(count: Int, steps: Int = 30) -> [(name: String, text: String)] {
    (0..<count).map { index in ("metal-random-\(seed)-\(index)", text(steps: steps)) }
  }

  mutating func port() -> Int {
    let hot = Self.hotPorts[random.uniform(0...(Self.hotPorts.count - 1))]
    return min(0xFFFF, max(0, hot + random.uniform(-3...12)))
  }

  mutating func text(steps: Int) -> String {
    var lines = ["cpus 1", "process p0 cpu0 root"]
    var threads = ["p0"]
    if random.chance(permille: 500) {
      lines.append("process p1 cpu0 root")
      threads.append("p1")
    }
    for _ in 0..<steps {
      let thread = threads[random.uniform(0...(threads.count - 1))]
      switch random.uniform(0...99) {
      case 0..<30:
        let count = random.chance(permille: 100) ? random.uniform(0...2048) : random.uniform(1...16)
        let from = min(port(), 65536 - max(count, 1))
        lines.append("\(thread): ioperm \(from) \(count) \(random.chance(permille: 750) ? "on" : "off")")
      case 30..<75:
        let width = ["inb", "inw", "inl"][random.uniform(0...2)]
        lines.append("\(thread): \(width) 0x\(String(port(), radix: 16))")
      case 75..<80:
        lines.append("\(thread): iopl \(random.chance(permille: 500) ? 3 : 0)")
      case 80..<90 where threads.count < 6:
        let child = "t\(threads.count)"
        lines.append("\(thread): \(random.chance(permille: 500) ? "fork" : "thread") \(child)")
        threads.append(child)
      default:
        lines.append("switch cpu0 \(thread)")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
