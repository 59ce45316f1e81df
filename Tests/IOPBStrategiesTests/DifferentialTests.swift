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
    let limited = StrategyCatalog.all.filter { ["helenos", "windows-nt"].contains($0.name) }
    var caught: Set<String> = []
    for seed in Self.seeds { caught.formUnion(Self.disagreements(seed: seed, strategies: limited).keys) }
    #expect(caught == ["helenos", "windows-nt"])
  }

  /// Runs one seeded sequence on linux-5.5 and on `strategies`; returns, per strategy that
  /// disagreed, the first disagreement with the steps that led to it.
  static func disagreements(seed: UInt64, strategies: [any SwitchStrategy]) -> [String: String] {
    var generator = SimulationRandom(seed: seed)
    let kernel = KernelConfiguration(portCount: portCount)
    var reference = Machine(strategy: Linux55Strategy(), cpuCount: 2, kernel: kernel)
    var others = strategies.map { makeMachine($0, cpuCount: 2, kernel: kernel) }
    var problems: [String: String] = [:]
    var log: [String] = []
    for _ in 0..<stepsPerRun {
      if reference.kernel.threads.filter(\.isAlive).count < 2 {
        let credentials: Credentials = (generator.uniform(0...1) == 1) ? .root : .user
        let cpu = CPUID(rawValue: generator.uniform(0...(reference.cpuCount - 1)))
        log.append("spawn \(credentials) on \(cpu)")
        _ = try? reference.spawn(credentials: credentials, on: cpu)
        for index in others.indices { _ = try? others[index].spawn(credentials: credentials, on: cpu) }
        continue
      }
      for step in RandomStep.next(for: &reference, using: &generator) {
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
            } else if RandomStep.visible(result.outcome) != RandomStep.visible(expected.outcome) {
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

/// Picks the next operation at random among those valid in the reference machine's state.
enum RandomStep {
  static func ports(_ portCount: Int) -> [Int] {
    [0, 1, 7, 8, 63, 64, 0x70, 0x71, 0x78, portCount - 9, portCount - 2, portCount - 1]
  }

  /// What a user sees of an outcome: allow or deny, not why.
  static func visible(_ outcome: StepOutcome) -> String {
    if case .access(let access) = outcome { return access.allowed ? "allow" : "deny" }
    return outcome.description
  }

  static func next<S: SwitchStrategy>(
    for machine: inout Machine<S>, using generator: inout SimulationRandom
  ) -> [MachineStep] {
    let live = machine.kernel.threads.filter(\.isAlive).map(\.id)
    guard let thread = pick(live, &generator) else { return [] }
    let cpu = CPUID(rawValue: generator.uniform(0...(machine.cpuCount - 1)))
    let ports = ports(machine.kernel.portCount)
    let prepare = machine.preparation(for: thread)
    switch generator.uniform(0...(100 - 1)) {
    case 0..<16:
      let from = UInt64(pick(ports, &generator) ?? 0)
      let count = UInt64(pick([1, 1, 2, 3, 9, 64], &generator) ?? 1)
      let on = generator.uniform(0...(3 - 1)) != 0
      return prepare + [.syscall(thread, .ioperm(from: from, count: count, turnOn: on))]
    case 16..<22:
      let level = UInt32(pick([0, 0, 1, 3, 3], &generator) ?? 0)
      return prepare + [.syscall(thread, .iopl(level: level))]
    case 22..<26 where live.count < 8: return prepare + [.syscall(thread, .fork(cpu: cpu))]
    case 26..<30 where live.count < 8: return prepare + [.syscall(thread, .thread(cpu: cpu))]
    case 30..<32: return prepare + [.syscall(thread, .exec)]
    case 32..<36 where live.count > 2: return prepare + [.syscall(thread, .exit)]
    case 36..<37: return prepare + [.syscall(thread, .setresuid(uid: 1000))]
    case 37..<62:
      let port = UInt16(pick(ports, &generator) ?? 0)
      let width = pick(IOAccessWidth.allCases, &generator) ?? .byte
      return prepare + [.access(cpu: machine.homeCPU(of: thread), IOAccess(.in, port: port, width: width))]
    case 62..<65:
      let instruction: InterruptFlagInstruction = (generator.uniform(0...1) == 1) ? .cli : .sti
      return prepare + [.interruptFlag(cpu: machine.homeCPU(of: thread), instruction)]
    case 65..<78:
      let running = machine.runningCPU(of: thread)
      guard running == nil || running == cpu else { return [] }
      return [.contextSwitch(cpu: cpu, to: generator.uniform(0...(4 - 1)) == 0 ? nil : thread)]
    case 78..<86:
      guard machine.cpus[cpu].current != nil, !machine.cpus[cpu].inUserMode else { return [] }
      return [.returnToUser(cpu: cpu)]
    case 86..<93:
      try? machine.place(thread, on: cpu)
      return machine.preparation(for: thread)
    case 93..<98: return [.vmExit(cpu: cpu)]
    default: return [.failNextAllocation]
    }
  }
}

/// A uniform element of `values` drawn with the project's stable generator (the standard
/// library's `randomElement(using:)` does not promise the same stream across toolchains).
private func pick<T>(_ values: [T], _ generator: inout SimulationRandom) -> T? {
  values.isEmpty ? nil : values[generator.uniform(0...(values.count - 1))]
}
