import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBSimulator
import IOPBStrategies
import Testing

/// The machine's lean steps (``Machine/switchContext(on:to:)``, ``Machine/returnToUser(on:)``,
/// ``Machine/access(_:on:)``), which the simulator takes at every switch and access, against
/// ``Machine/apply(_:)`` of the same steps: two machines walked in lockstep must refuse the same
/// steps with the same error, report the same outcomes and violations (the access's own from
/// its outcome, then the strategy's faults from ``Machine/takeFaults()``), and end in the same
/// state with the same counts.
@Suite struct LeanStepTests {
  /// The lean step for `step`, as a ``StepResult`` built from what it returns; nil for a step
  /// that has no lean form.
  static func lean<Strategy: SwitchStrategy>(
    _ step: MachineStep, on machine: inout Machine<Strategy>
  ) throws(MachineError) -> StepResult? {
    switch step {
    case .contextSwitch(let cpu, let next):
      try machine.switchContext(on: cpu, to: next)
      return StepResult(outcome: .done, violations: machine.takeFaults())
    case .returnToUser(let cpu):
      try machine.returnToUser(on: cpu)
      return StepResult(outcome: .done, violations: machine.takeFaults())
    case .access(let cpu, let access):
      let thread = machine.cpus.indices.contains(cpu) ? machine.cpus[cpu].current : nil
      let outcome = try machine.access(access, on: cpu)
      let own = outcome.violation(of: access, by: thread, on: cpu).map { [$0] } ?? []
      return StepResult(outcome: .access(outcome), violations: own + machine.takeFaults())
    default:
      return nil
    }
  }

  /// Takes `step` on both machines, by ``Machine/apply(_:)`` on `applied` and by its lean form
  /// on `leaned`; returns what `apply` gave, or the difference.
  static func compare<Strategy: SwitchStrategy>(
    _ step: MachineStep, applied: inout Machine<Strategy>, leaned: inout Machine<Strategy>
  ) -> Result<Result<StepResult, MachineError>, Difference> {
    let expected: Result<StepResult, MachineError>
    do throws(MachineError) { expected = .success(try applied.apply(step)) } catch { expected = .failure(error) }
    let actual: Result<StepResult, MachineError>
    do throws(MachineError) {
      if let result = try lean(step, on: &leaned) {
        actual = .success(result)
      } else {
        actual = .success(try leaned.apply(step))
      }
    } catch {
      actual = .failure(error)
    }
    guard actual == expected else { return .failure(Difference("\(step): lean \(actual), apply \(expected)")) }
    guard leaned.state == applied.state, leaned.counts == applied.counts else {
      return .failure(Difference("\(step): the machines differ afterwards"))
    }
    return .success(expected)
  }

  struct Difference: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
  }

  /// The first difference of a `steps`-step walk from `seed`; nil when none. Each random choice
  /// is preceded by a switch, a return and an access on CPU 0 that may be refused, so that
  /// refusals are compared too.
  static func firstDifference<Strategy: SwitchStrategy>(_ strategy: Strategy, seed: UInt64, steps: Int) -> String? {
    let kernel = KernelConfiguration(portCount: 256)
    var applied = Machine(strategy: strategy, cpuCount: 2, kernel: kernel)
    for (cpu, credentials) in [(0, Credentials.root), (1, .user), (1, .root)] as [(Int, Credentials)] {
      _ = try? applied.spawn(credentials: credentials, on: CPUID(rawValue: cpu))
    }
    var leaned = applied
    let menu = RandomMachineDriver<Strategy>.menu(portCount: kernel.portCount)
    var random = SimulationRandom(seed: seed)
    for index in 0..<steps {
      guard let choice = applied.randomStep(menu, index: { random.uniform(0...max(0, $0 - 1)) }) else { break }
      let probes: [MachineStep] = [
        .contextSwitch(cpu: 0, to: ThreadID(rawValue: random.uniform(0...2))), .returnToUser(cpu: 0),
        .access(cpu: 0, IOAccess(.out, port: UInt16(random.uniform(0...255)), width: .word)),
      ]
      for step in probes + applied.steps(for: choice) {
        if case .failure(let difference) = compare(step, applied: &applied, leaned: &leaned) {
          return "seed \(seed), step \(index), \(difference)"
        }
      }
    }
    return nil
  }

  static func firstDifferenceOpening(_ strategy: any SwitchStrategy, seed: UInt64, steps: Int) -> String? {
    func open<S: SwitchStrategy>(_ strategy: S) -> String? { firstDifference(strategy, seed: seed, steps: steps) }
    return open(strategy)
  }

  @Test(arguments: StrategyDecisionTests.designs.map(\.0))
  func leanStepsTakeWhatApplyTakes(_ name: String) throws {
    let strategy = try #require(StrategyDecisionTests.designs.first { $0.0 == name }?.1)
    for seed: UInt64 in 1...3 {
      if let difference = Self.firstDifferenceOpening(strategy, seed: seed, steps: 60) {
        Issue.record("\(name): \(difference)")
      }
    }
  }

  /// A violation is reported alike: under linux-5.5 keeping the base on switch-out, a user
  /// thread switched in after a root thread that holds port 0x80 reaches it (a leak).
  @Test func aLeakIsReportedAlike() throws {
    var applied = Machine(strategy: Linux55Strategy(defects: [.keepsBaseOnSwitchOut]), cpuCount: 1)
    let root = try applied.spawn(credentials: .root, on: 0)
    let user = try applied.spawn(credentials: .user, on: 0)
    var leaned = applied
    let steps: [MachineStep] = [
      .contextSwitch(cpu: 0, to: root), .returnToUser(cpu: 0), .syscall(root, .ioperm(from: 0x80, count: 1, turnOn: true)),
      .returnToUser(cpu: 0), .access(cpu: 0, IOAccess(.in, port: 0x80)), .contextSwitch(cpu: 0, to: user),
      .returnToUser(cpu: 0), .access(cpu: 0, IOAccess(.in, port: 0x80)),
    ]
    var last: Result<StepResult, MachineError>?
    for step in steps {
      switch Self.compare(step, applied: &applied, leaned: &leaned) {
      case .success(let result): last = result
      case .failure(let difference): Issue.record("\(difference)")
      }
    }
    let result = try #require(last).get()
    let violation = try #require(result.violation)
    #expect(violation.isLeak && violation.thread == user)
  }
}
