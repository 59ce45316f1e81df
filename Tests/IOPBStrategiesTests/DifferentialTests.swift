import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBSimulator
import IOPBStrategies
import Testing

/// Random step sequences on 2 CPUs and 128 ports, applied to linux-5.5 and to every other
/// strategy at once: each must decide every access, system call and CLI/STI alike, without a
/// violation of the double check or a broken invariant.
@Suite struct DifferentialTests {
  static let portCount = 128
  static let stepsPerRun = 400
  static let seeds: [UInt64] = Array(1...20)

  /// Strategies that claim Linux semantics, plus netbsd-i386, whose only limitation (ports
  /// from 1024 up) does not bite with 128 ports.
  static var candidates: [any SwitchStrategy] {
    StrategyCatalog.all.filter { $0.name != StrategyCatalog.defaultName }
      .filter { $0.limitations.isEmpty || $0.name == "netbsd-i386" }
  }

  @Test(arguments: seeds)
  func everyStrategyAgreesWithLinux55(seed: UInt64) {
    let problems = Self.disagreements(seed: seed, strategies: Self.candidates)
    for (name, problem) in problems.sorted(by: { $0.key < $1.key }) {
      Issue.record("seed \(seed), \(name): \(problem)")
    }
  }

  /// The same runs catch the designs whose limitations bite at 128 ports.
  @Test func theDifferentialCatchesLimitedDesigns() {
    let names: Set<String> = ["helenos", "windows-nt", "zircon", "redox"]
    let limited = StrategyCatalog.all.filter { names.contains($0.name) }
    var caught: Set<String> = []
    for seed in Self.seeds { caught.formUnion(Self.disagreements(seed: seed, strategies: limited).keys) }
    #expect(caught == names)
  }

  /// What every run draws from (``Machine/randomStep(_:index:)``): each live thread acts,
  /// brought onto its CPU first, between explicit switches, returns, migrations, VM exits and
  /// allocation failures; ports around bytes, words and the top of the space, `ioperm` on two
  /// times in three, with counts that run past the end (EINVAL).
  static var menu: StepMenu {
    var menu = StepMenu(.implicit, operations: Set(StepMenu.Operation.allCases), maxThreads: 8)
    let ports = [0, 1, 7, 8, 63, 64, 0x70, 0x71, 0x78, portCount - 9, portCount - 2, portCount - 1]
    menu.ioperms = StepMenu.ioperms(
      from: ports.map(UInt64.init), counts: [1, 1, 2, 3, 9, 64], turnOn: [true, true, false])
    menu.levels = [0, 0, 1, 3, 3]
    menu.probes = StepMenu.probes(ports: ports.map(UInt16.init), widths: IOAccessWidth.allCases)
    menu.interruptFlagInstructions = [.cli, .sti]
    menu.minThreads = 2
    menu.childPlacement = .anyCPU
    menu.credentials = [.root, .user]
    menu.weights = [
      .ioperm: 16, .iopl: 6, .fork: 4, .thread: 4, .exec: 2, .exit: 4, .setresuid: 1, .access: 25, .cli: 3,
      .switch: 13, .return: 8, .migrate: 7, .vmexit: 5, .enomem: 4,
    ]
    return menu
  }

  /// What a user sees of an outcome: allow or deny, not why.
  static func visible(_ outcome: StepOutcome) -> String {
    if case .access(let access) = outcome { return access.allowed ? "allow" : "deny" }
    return outcome.description
  }

  /// Runs one seeded sequence on linux-5.5 and on `strategies`; returns, per strategy that
  /// disagreed, the first disagreement with the steps that led to it. A process is started
  /// (a draw of its own) whenever fewer than two threads live.
  static func disagreements(seed: UInt64, strategies: [any SwitchStrategy]) -> [String: String] {
    var random = SimulationRandom(seed: seed)
    let menu = menu
    let kernel = KernelConfiguration(portCount: portCount)
    var reference = Machine(strategy: Linux55Strategy(), cpuCount: 2, kernel: kernel)
    var others = strategies.map { makeMachine($0, cpuCount: 2, kernel: kernel) }
    var problems: [String: String] = [:]
    var log: [String] = []
    for _ in 0..<stepsPerRun {
      if reference.kernel.liveThreads.count < 2 {
        guard let thread = try? reference.spawnProcess(menu, index: { random.uniform(0...($0 - 1)) }) else { continue }
        let credentials = reference.kernel[thread].credentials
        let cpu = reference.homeCPU(of: thread)
        log.append("spawn \(credentials) on \(cpu)")
        for index in others.indices { _ = try? others[index].spawn(credentials: credentials, on: cpu) }
        continue
      }
      guard let choice = reference.randomStep(menu, index: { random.uniform(0...($0 - 1)) }) else { continue }
      for step in reference.steps(for: choice) {
        log.append(step.description)
        guard let expected = try? reference.apply(step) else {
          problems["linux-5.5"] = "refused \(step)\n" + log.joined(separator: "\n")
          return problems
        }
        log[log.count - 1] += " → \(expected.outcome)"
        for index in others.indices where problems[others[index].strategyName] == nil {
          var problem: String?
          if let result = try? others[index].apply(step) {
            let broken = others[index].invariantViolations()
            if let violation = result.violation {
              problem = violation.description
            } else if visible(result.outcome) != visible(expected.outcome) {
              problem = "\(result.outcome) instead of \(expected.outcome)"
            } else if !broken.isEmpty {
              problem = broken.map(\.description).joined(separator: "; ")
            }
          } else {
            problem = "refused"
          }
          if let problem {
            problems[others[index].strategyName] =
              "step \(log.count): \(problem)\n" + log.joined(separator: "\n")
          }
        }
      }
    }
    return problems
  }
}
