import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBSimulator
import IOPBStrategies
import Testing

/// The incremental invariant check (``Machine/touchedInvariantViolations()``) against the full
/// one (``Machine/invariantViolations()``) on seeded random walks of every design, variant and
/// mutant, over every kernel deviation: after each check the incremental one reports only what
/// the full one reports, and every violation the full one shows for the first time since the
/// previous check.
@Suite struct IncrementalInvariantTests {
  /// One walk's tally: checks made and violations that first appeared.
  struct Tally {
    var checks = 0
    var appeared = 0
  }

  static let designs = (StrategyCatalog.all + StrategyCatalog.variants).map(\.name)

  static let kernels: [Set<KernelDeviation>] = [[]] + KernelDeviation.allCases.map { [$0] }

  /// Walks `steps` random steps of `strategy` over `kernel` from `seed`, checking after every
  /// 1…`maxGap` steps; returns the first disagreement or the tally.
  static func walk<Strategy: SwitchStrategy>(
    _ strategy: Strategy, kernel: KernelConfiguration, seed: UInt64, steps: Int, maxGap: Int
  ) -> Result<Tally, Disagreement> {
    var machine = Machine(strategy: strategy, cpuCount: 3, kernel: kernel)
    for (cpu, credentials) in [(0, Credentials.root), (2, .user), (1, .root)] as [(Int, Credentials)] {
      _ = try? machine.spawn(credentials: credentials, on: CPUID(rawValue: cpu))
    }
    let menu = RandomMachineDriver<Strategy>.menu(portCount: kernel.portCount)
    var random = SimulationRandom(seed: seed)
    var previous = Set(machine.invariantViolations())
    var tally = Tally()
    var untilCheck = 1
    var log: [String] = []
    for _ in 0..<steps {
      guard let choice = machine.randomStep(menu, index: { random.uniform(0...max(0, $0 - 1)) }) else { break }
      for step in machine.steps(for: choice) {
        log.append(step.description)
        _ = try? machine.apply(step)
        untilCheck -= 1
        guard untilCheck == 0 else { continue }
        untilCheck = random.uniform(1...maxGap)
        let full = machine.invariantViolations()
        let incremental = machine.touchedInvariantViolations()
        let appeared = Set(full).subtracting(previous)
        tally.checks += 1
        tally.appeared += appeared.count
        let extra = Set(incremental).subtracting(full)
        let missed = appeared.subtracting(incremental)
        if !extra.isEmpty || !missed.isEmpty || incremental != full.filter(Set(incremental).contains) {
          return .failure(
            Disagreement(
              seed: seed, extra: extra.map(\.description), missed: missed.map(\.description),
              steps: log.suffix(12)))
        }
        previous = Set(full)
      }
    }
    return .success(tally)
  }

  /// What a failing walk shows: its seed, the violations only the incremental check reported or
  /// that it missed, and the last steps.
  struct Disagreement: Error, CustomStringConvertible {
    var seed: UInt64
    var extra: [String]
    var missed: [String]
    var steps: [String]
    var description: String {
      "seed \(seed): incremental only \(extra), missed \(missed); last steps:\n" + steps.joined(separator: "\n")
    }
  }

  static func walkOpening(
    _ strategy: any SwitchStrategy, kernel: KernelConfiguration, seed: UInt64, steps: Int, maxGap: Int
  ) -> Result<Tally, Disagreement> {
    func open<S: SwitchStrategy>(_ strategy: S) -> Result<Tally, Disagreement> {
      walk(strategy, kernel: kernel, seed: seed, steps: steps, maxGap: maxGap)
    }
    return open(strategy)
  }

  @Test(arguments: designs)
  func theIncrementalCheckFindsWhatTheFullOneFindsFirst(_ name: String) throws {
    let strategy = try #require(StrategyCatalog.strategy(named: name))
    for deviations in Self.kernels {
      for seed: UInt64 in [1, 2] {
        let kernel = KernelConfiguration(portCount: 256, deviations: deviations)
        if case .failure(let disagreement) = Self.walkOpening(strategy, kernel: kernel, seed: seed, steps: 120, maxGap: 3) {
          Issue.record("\(name) \(deviations.map(\.rawValue).sorted()): \(disagreement)")
        }
      }
    }
  }

  /// Over the mutants, whose bugs break invariants, the walks see violations appear (the
  /// comparison above is not vacuous) and the incremental check reports each one.
  @Test func theIncrementalCheckCatchesTheMutantsBreaks() {
    var appeared = 0
    for mutant in MutantCatalog.all {
      for seed: UInt64 in 1...4 {
        let kernel = mutant.kernel(from: KernelConfiguration(portCount: 256))
        switch Self.walkOpening(mutant.strategy, kernel: kernel, seed: seed, steps: 150, maxGap: 1) {
        case .success(let tally): appeared += tally.appeared
        case .failure(let disagreement): Issue.record("\(mutant.name): \(disagreement)")
        }
      }
    }
    #expect(appeared > 0)
  }
}
