import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBSimulator
import IOPBStrategies
import Testing

/// ``SwitchStrategy/decide(_:on:in:iopl:)``, which the machine asks at every access, against
/// the SDM check on the design's rendered TSS (``SwitchStrategy/tss(on:in:)``) on seeded random
/// walks of every design, variant and mutant: Xen PV decides on the guest's bytes under its own
/// base and limit without building the view, remap-invlpg reads its map through the mapped
/// bitmap's words, and each must decide exactly as the view would.
@Suite struct StrategyDecisionTests {
  static let designs =
    (StrategyCatalog.all + StrategyCatalog.variants).map { ($0.name, $0) }
    + MutantCatalog.all.map { ($0.name, $0.strategy) }

  /// Ports around the ends of the map, of bytes and of a 256-port kernel's ports.
  static let ports: [UInt16] = [0, 1, 7, 8, 0x3f, 0x40, 0x7f, 0xf8, 0xfe, 0xff]

  /// The first disagreement of a `steps`-step walk from `seed`, checked on every CPU after
  /// every step for every width and port of ``ports`` at IOPL 0 and 3; nil when none.
  static func firstDisagreement<Strategy: SwitchStrategy>(_ strategy: Strategy, seed: UInt64, steps: Int) -> String? {
    let kernel = KernelConfiguration(portCount: 256)
    var machine = Machine(strategy: strategy, cpuCount: 2, kernel: kernel)
    for (cpu, credentials) in [(0, Credentials.root), (1, .user), (1, .root)] as [(Int, Credentials)] {
      _ = try? machine.spawn(credentials: credentials, on: CPUID(rawValue: cpu))
    }
    let menu = RandomMachineDriver<Strategy>.menu(portCount: kernel.portCount)
    var random = SimulationRandom(seed: seed)
    for index in 0..<steps {
      guard let choice = machine.randomStep(menu, index: { random.uniform(0...max(0, $0 - 1)) }) else { break }
      for step in machine.steps(for: choice) { _ = try? machine.apply(step) }
      for cpu in machine.cpus.indices {
        for port in ports {
          for width in [IOAccessWidth.byte, .word, .dword] {
            for iopl in [PrivilegeLevel.ring0, .ring3] {
              let access = IOAccess(.in, port: port, width: width)
              let direct = strategy.decide(access, on: cpu, in: machine.context.state, iopl: iopl)
              let rendered = IOPermissionCheck.decide(access, tss: machine.tss(on: cpu), iopl: iopl)
              if direct != rendered {
                return
                  "seed \(seed), step \(index) (\(choice)), cpu \(cpu), \(access) at \(iopl): \(direct) ≠ \(rendered)"
              }
            }
          }
        }
      }
    }
    return nil
  }

  static func firstDisagreementOpening(_ strategy: any SwitchStrategy, seed: UInt64, steps: Int) -> String? {
    func open<S: SwitchStrategy>(_ strategy: S) -> String? { firstDisagreement(strategy, seed: seed, steps: steps) }
    return open(strategy)
  }

  @Test(arguments: designs.map(\.0))
  func theDesignDecidesAsItsTSSDoes(_ name: String) throws {
    let strategy = try #require(Self.designs.first { $0.0 == name }?.1)
    for seed: UInt64 in 1...3 {
      if let disagreement = Self.firstDisagreementOpening(strategy, seed: seed, steps: 80) {
        Issue.record("\(name): \(disagreement)")
      }
    }
  }
}
