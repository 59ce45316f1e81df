import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBSimulator
import IOPBStrategies
import Testing

/// ``Machine/enabledSteps(_:)``, ``Machine/steps(for:)`` and ``Machine/randomStep(_:index:)``
/// keep their promises in the states seeded walks reach.
@Suite struct EnabledStepsTests {
  typealias LinuxMachine = Machine<Linux55Strategy>

  /// Every operation, small argument lists, 2 CPUs, 64 ports.
  static func menu(_ scheduling: StepMenu.Scheduling) -> StepMenu {
    var menu = StepMenu(ranges: StepMenu.defaultRanges(portCount: 64), portCount: 64, maxThreads: 4)
    menu.scheduling = scheduling
    menu.ioperms += [StepMenu.Ioperm(from: 60, count: 9, turnOn: true)]  // past the end: EINVAL
    menu.levels = [0, 3, 4]
    menu.interruptFlagInstructions = [.cli, .sti]
    menu.minThreads = 1
    menu.childPlacement = scheduling == .implicit ? .anyCPU : .callersCPU
    menu.credentials = [.root, .user]
    return menu
  }

  /// Every state of a walk of `length` steps drawn from `menu`, from two new processes.
  static func walk(seed: UInt64, length: Int, menu: StepMenu) -> [LinuxMachine] {
    var random = SimulationRandom(seed: seed)
    var machine = LinuxMachine(strategy: Linux55Strategy(), cpuCount: 2, kernel: KernelConfiguration(portCount: 64))
    for _ in 0..<2 { _ = try? machine.spawnProcess(menu) { random.uniform(0...($0 - 1)) } }
    var states = [machine]
    for _ in 0..<length {
      guard let choice = machine.randomStep(menu, index: { random.uniform(0...($0 - 1)) }) else { break }
      for step in machine.steps(for: choice) { _ = try? machine.apply(step) }
      states.append(machine)
    }
    return states
  }

  @Test(arguments: [StepMenu.Scheduling.explicit, .implicit], [UInt64(1), 2, 3])
  func everyEnabledStepApplies(scheduling: StepMenu.Scheduling, seed: UInt64) {
    let menu = Self.menu(scheduling)
    for (depth, state) in Self.walk(seed: seed, length: 150, menu: menu).enumerated() {
      for enabled in state.enabledSteps(menu) {
        var machine = state
        let steps = machine.steps(for: enabled)
        if scheduling == .explicit { #expect(steps == [enabled.step], "seed \(seed), depth \(depth): \(enabled)") }
        for step in steps {
          do { _ = try machine.apply(step) } catch {
            Issue.record("seed \(seed), depth \(depth): \(enabled) → \(step): \(error)")
            break
          }
        }
      }
    }
  }

  /// Under implicit scheduling a thread's action runs with its actor current and in user mode
  /// (an I/O worker's, current in the kernel).
  @Test(arguments: [UInt64(4), 5])
  func implicitActionsFindTheirActorInUserMode(seed: UInt64) throws {
    let menu = Self.menu(.implicit)
    for state in Self.walk(seed: seed, length: 100, menu: menu) {
      for enabled in state.enabledSteps(menu) {
        guard let actor = enabled.actor else { continue }
        var machine = state
        let steps = machine.steps(for: enabled)
        let isMigration = if case .migrate = enabled.step { true } else { false }
        // The action comes last; a migration comes first and leaves its thread ready to act.
        for step in isMigration ? steps : Array(steps.dropLast()) { _ = try machine.apply(step) }
        let cpu = machine.homeCPU(of: actor)
        let userMode = !machine.kernel[actor].isIOWorker
        #expect(machine.cpus[cpu].current == actor && machine.cpus[cpu].inUserMode == userMode, "seed \(seed): \(enabled)")
      }
    }
  }

  /// The operation is drawn by weight among those enabled: weight 0 never, a disabled one never.
  @Test func randomStepDrawsByWeightAmongEnabledOperations() {
    var menu = Self.menu(.implicit)
    menu.weights = [.access: 0, .ioperm: 3]
    var random = SimulationRandom(seed: 9)
    let machines = Self.walk(seed: 9, length: 40, menu: menu)
    var drawn: [StepMenu.Operation: Int] = [:]
    for machine in machines {
      for _ in 0..<50 {
        guard let choice = machine.randomStep(menu, index: { random.uniform(0...($0 - 1)) }) else { continue }
        drawn[choice.operation, default: 0] += 1
        #expect(machine.enabledSteps(menu).contains(choice))
      }
    }
    #expect(drawn[.access] == nil)
    #expect((drawn[.ioperm] ?? 0) > 2 * (drawn[.iopl] ?? 0))
    #expect(Set(drawn.keys).isSuperset(of: [.ioperm, .iopl, .fork, .exec, .cli, .migrate, .switch]))
    menu.operations = []
    #expect(machines[0].randomStep(menu, index: { _ in 0 }) == nil)
  }

  /// The checker's menu offers, per CPU, what it offered before implicit scheduling existed.
  @Test func explicitMenuOffersOnlyTheCurrentThreadsActions() throws {
    var machine = LinuxMachine(strategy: Linux55Strategy(), cpuCount: 1, kernel: KernelConfiguration(portCount: 64))
    let a = try machine.spawn(credentials: .root, on: 0)
    let b = try machine.spawn(credentials: .root, on: 0)
    let menu = StepMenu(ranges: [7...8], portCount: 64, maxThreads: 3)
    #expect(machine.enabledSteps(menu).map(\.step) == [
      .contextSwitch(cpu: 0, to: a), .contextSwitch(cpu: 0, to: b), .vmExit(cpu: 0), .failNextAllocation,
    ])
    _ = try machine.apply(.contextSwitch(cpu: 0, to: a))
    _ = try machine.apply(.returnToUser(cpu: 0))
    #expect(machine.enabledSteps(menu).map(\.step) == [
      .contextSwitch(cpu: 0, to: b), .contextSwitch(cpu: 0, to: nil),
      .syscall(a, .ioperm(from: 7, count: 2, turnOn: true)), .syscall(a, .ioperm(from: 7, count: 2, turnOn: false)),
      .syscall(a, .iopl(level: 0)), .syscall(a, .iopl(level: 3)), .syscall(a, .fork(cpu: 0)),
      .syscall(a, .thread(cpu: 0)), .syscall(a, .ioWorker(cpu: 0)), .syscall(a, .exec), .syscall(a, .exit), .syscall(a, .setresuid(uid: 1000)),
      .access(cpu: 0, IOAccess(port: 7)), .access(cpu: 0, IOAccess(port: 8, width: .word)),
      .access(cpu: 0, IOAccess(port: 7, width: .dword)), .interruptFlag(cpu: 0, .cli), .vmExit(cpu: 0),
      .failNextAllocation,
    ])
  }
}
