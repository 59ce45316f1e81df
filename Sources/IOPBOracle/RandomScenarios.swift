import IOPBSimulator
import IOPBScenario

/// Generates scenarios over everything a real kernel can be made to do deterministically:
/// ioperm, iopl, fork, threads, exec, exit, setresuid drops, migration, port reads of widths 1,
/// 2 and 4 including ports near 0xffff and byte-boundary straddles, and large extents followed by
/// small ones on the same CPU. The same seed gives the same scenarios.
///
/// Accesses touch only ports where the QEMU PC machine has no device (0x80 is the POST port),
/// so that reading them changes nothing in the guest.
public struct RandomScenarios {
  /// Ports safe to read in the guest, chosen to straddle bytes and reach the top of the space.
  public static let accessPorts: [UInt16] = [
    0x80, 0x81, 0x84, 0x87, 0x88, 0x8f, 0xed, 0x200, 0x207, 0x208, 0x20f, 0x290, 0x295, 0x297,
    0x1000, 0x1007, 0xfff0, 0xfff7, 0xfff8, 0xfffc, 0xfffd, 0xfffe, 0xffff,
  ]

  private var random: SimulationRandom
  private let seed: UInt64

  public init(seed: UInt64) {
    self.seed = seed
    random = SimulationRandom(seed: seed)
  }

  /// The next `count` scenario texts, named `random-SEED-INDEX`.
  public mutating func texts(count: Int) -> [(name: String, text: String)] {
    (0..<count).map { index in ("random-\(seed)-\(index)", text()) }
  }

  private mutating func pick<T>(_ values: [T]) -> T {
    values[Int(random.next() % UInt64(values.count))]
  }

  private mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

  /// One scenario's text.
  public mutating func text() -> String {
    let cpus = pick([1, 2, 2])
    var lines = ["cpus \(cpus)"]
    var alive: [(name: String, process: Int)] = []
    var nextName = 0
    var nextProcess = 0
    func cpu() -> String { "cpu\(Int(random.next() % UInt64(cpus)))" }
    func newName() -> String {
      defer { nextName += 1 }
      return "t\(nextName)"
    }
    for _ in 0..<pick([1, 1, 2]) {
      let name = newName()
      lines.append("process \(name) \(cpu()) \(chance(15) ? "user" : "root")")
      alive.append((name, nextProcess))
      nextProcess += 1
    }
    for _ in 0..<pick([10, 16, 22, 28]) {
      let actor = pick(alive)
      let name = actor.name
      switch random.next() % 20 {
      case 0, 1, 2:
        let (from, count) = pick([
          (0x80, 1), (0x80, 8), (0x84, 12), (0x200, 16), (0x290, 8), (0x1000, 8), (0xfff0, 16),
          (0xffff, 1), (0xfffc, 4), (0, 0x400), (0, 65536), (0x7f, 2), (0x207, 2), (65535, 2), (0, 0),
        ])
        lines.append("\(name): ioperm \(hex(from)) \(count) \(chance(75) ? "on" : "off")")
      case 3:
        lines.append("\(name): iopl \(pick([0, 0, 1, 2, 3, 3, 3, 4]))")
      case 4 where alive.count < 6:
        let child = newName()
        lines.append("\(name): fork \(child) \(cpu())")
        alive.append((child, nextProcess))
        nextProcess += 1
      case 5 where alive.count < 6:
        let child = newName()
        lines.append("\(name): thread \(child) \(cpu())")
        alive.append((child, actor.process))
      case 6:
        lines.append("\(name): exec")
        alive.removeAll { $0.process == actor.process && $0.name != name }
      case 7 where alive.count > 1:
        lines.append("\(name): exit")
        alive.removeAll { $0.name == name }
      case 8:
        lines.append("\(name): setresuid 1")
      case 9:
        lines.append("\(name): migrate \(cpu())")
      case 10:
        lines.append("\(name): \(pick(["cli", "sti"]))")
      default:
        let width = pick(["b", "b", "w", "l"])
        lines.append("\(name): in\(width) \(hex(Int(pick(Self.accessPorts))))")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func hex(_ value: Int) -> String { "0x" + String(value, radix: 16) }
}
