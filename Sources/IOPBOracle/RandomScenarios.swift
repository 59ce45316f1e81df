import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBScenario
import IOPBSimulator
import IOPBStrategies

/// Generates scenarios over everything a real kernel can be made to do deterministically:
/// ioperm, iopl, fork, threads, exec, exit, setresuid drops, migration, CLI and STI, port reads of
/// widths 1, 2 and 4 including ports near 0xffff and byte-boundary straddles, and large extents
/// followed by small ones on the same CPU. The same seed gives the same scenarios.
///
/// Each scenario is a walk of a model machine of it (``Machine/randomStep(_:index:)`` over
/// ``menu``), so every step names a live thread and CPUs that exist. Only thread steps are
/// drawn: the runner and the guest bring the thread onto its CPU and into user mode
/// themselves, and the guest cannot take an explicit `switch`, `return`, `vmexit` or
/// `inject enomem`. Accesses touch only ports where the QEMU PC machine has no device (0x80 is
/// the POST port), so that reading them changes nothing in the guest.
public struct RandomScenarios {
  /// Ports safe to read in the guest, chosen to straddle bytes and reach the top of the space.
  public static let accessPorts: [UInt16] = [
    0x80, 0x81, 0x84, 0x87, 0x88, 0x8f, 0xed, 0x200, 0x207, 0x208, 0x20f, 0x290, 0x295, 0x297,
    0x1000, 0x1007, 0xfff0, 0xfff7, 0xfff8, 0xfffc, 0xfffd, 0xfffe, 0xffff,
  ]

  /// The `ioperm` extents: small and large, up to all 65536 ports, and ones past 0xffff or empty
  /// (EINVAL).
  private static let iopermExtents: [(from: UInt64, count: UInt64)] = [
    (0x80, 1), (0x80, 8), (0x84, 12), (0x200, 16), (0x290, 8), (0x1000, 8), (0xfff0, 16),
    (0xffff, 1), (0xfffc, 4), (0, 0x400), (0, 65536), (0x7f, 2), (0x207, 2), (65535, 2), (0, 0),
  ]

  /// What a thread of a generated scenario may do, and how often: an access 9 times in 20,
  /// `ioperm` (on three times in four) 3 times, each other kind once; `iopl` 0–4 (4 is EINVAL);
  /// `setresuid` to uid 1; `fork` and `clone` onto any CPU while fewer than 6 threads live;
  /// `exit` while more than one does; processes as an ordinary user 3 times in 20.
  public static let menu: StepMenu = {
    var menu = StepMenu(
      .implicit, operations: [.ioperm, .iopl, .fork, .thread, .exec, .exit, .setresuid, .migrate, .access, .cli],
      maxThreads: 6)
    menu.ioperms = iopermExtents.flatMap { extent in
      [true, true, true, false].map { StepMenu.Ioperm(from: extent.from, count: extent.count, turnOn: $0) }
    }
    menu.levels = [0, 0, 1, 2, 3, 3, 3, 4]
    menu.userIDs = [1]
    menu.probes = StepMenu.probes(ports: accessPorts, widths: [.byte, .byte, .word, .dword])
    menu.interruptFlagInstructions = [.cli, .sti]
    menu.minThreads = 1
    menu.childPlacement = .anyCPU
    menu.credentials = Array(repeating: .user, count: 3) + Array(repeating: .root, count: 17)
    menu.weights = [.access: 9, .ioperm: 3]
    return menu
  }()

  private var random: SimulationRandom
  private let seed: UInt64
  /// The index of the next scenario.
  public private(set) var index = 0

  public init(seed: UInt64) {
    self.seed = seed
    random = SimulationRandom(seed: seed)
  }

  /// The next scenario text, named `random-SEED-INDEX`: drawing them one at a time (or a batch
  /// at a time) gives the same scenarios as drawing them all at once.
  public mutating func next() -> (name: String, text: String) {
    defer { index += 1 }
    return ("random-\(seed)-\(index)", text())
  }

  /// The next `count` scenario texts, named `random-SEED-INDEX`.
  public mutating func texts(count: Int) -> [(name: String, text: String)] {
    (0..<count).map { _ in next() }
  }

  /// One scenario's text: 1 or 2 CPUs, 1 or 2 processes, then 10, 16, 22 or 28 thread steps.
  public mutating func text() -> String { Self.scenario(using: &random) }

  private static func scenario(using random: inout SimulationRandom) -> String {
    func pick<T>(_ values: [T]) -> T { values[random.uniform(0...(values.count - 1))] }
    var machine = Machine(strategy: Linux55Strategy(), cpuCount: pick([1, 2, 2]))
    for _ in 0..<pick([1, 1, 2]) {
      _ = try? machine.spawnProcess(menu) { random.uniform(0...($0 - 1)) }
    }
    var writer = ScenarioWriter(machine)
    for _ in 0..<pick([10, 16, 22, 28]) {
      guard let choice = machine.randomStep(menu, index: { random.uniform(0...($0 - 1)) }) else { break }
      // The line is the thread step; the switch and return before it (and after a migration)
      // are the runner's, as they are the model's here.
      for step in machine.steps(for: choice) {
        let before = machine
        // Steps the menu enables always apply; should one not, the scenario ends before it.
        guard (try? machine.apply(step)) != nil else { return writer.text() }
        if step == choice.step { writer.record(step, before: before, result: nil) }
      }
    }
    return writer.text()
  }
}
