import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBSimulator
import IOPBStrategies
import Testing

/// A machine of `strategy` with `processes` root threads on CPU 0 (and CPU 1 if there are two).
func bootedMachine<Strategy: SwitchStrategy>(
  _ strategy: Strategy, cpus: Int = 1, processes: Int = 2, ports: Int = 128, deviations: Set<KernelDeviation> = []
) throws -> Machine<Strategy> {
  var machine = Machine(
    strategy: strategy, cpuCount: cpus, kernel: KernelConfiguration(portCount: ports, deviations: deviations))
  for index in 0..<processes { _ = try machine.spawn(credentials: .root, on: CPUID(rawValue: index % cpus)) }
  return machine
}

extension Machine {
  /// Brings `thread` onto its CPU in user mode and makes `call`, then returns to user mode.
  mutating func call(_ thread: ThreadID, _ call: Syscall) throws {
    for step in preparation(for: thread) { _ = try apply(step) }
    _ = try apply(.syscall(thread, call))
    if let cpu = runningCPU(of: thread) { _ = try apply(.returnToUser(cpu: cpu)) }
  }

  func canonical(_ symmetry: Symmetry = []) -> CanonicalMachineState<Strategy.State> {
    state.canonical(strategy: strategy, symmetry: symmetry)
  }
}

let port7on = Syscall.ioperm(from: 7, count: 2, turnOn: true)
let port7off = Syscall.ioperm(from: 7, count: 2, turnOn: false)

@Suite struct CanonicalStateTests {
  @Test func ioPermOnOffOnEqualsIoPermOn() throws {
    var once = try bootedMachine(Linux55Strategy())
    try once.call(ThreadID(rawValue: 0), port7on)
    var thrice = try bootedMachine(Linux55Strategy())
    for call in [port7on, port7off, port7on] { try thrice.call(ThreadID(rawValue: 0), call) }
    #expect(once.state != thrice.state)
    #expect(once.canonical().state == thrice.canonical().state)
    #expect(once.canonical().state.hashValue == thrice.canonical().state.hashValue)
    #expect(once.canonical().bytes == thrice.canonical().bytes)
  }

  @Test func statesThatDifferOnlyInNumberingAreEqualAndHashEqual() throws {
    let fresh = try bootedMachine(Linux55Strategy())
    var renumbered = try bootedMachine(Linux55Strategy())
    let parent = ThreadID(rawValue: 0)
    try renumbered.call(parent, .fork(cpu: 0))
    let child = ThreadID(rawValue: 2)
    for step in renumbered.preparation(for: child) { _ = try renumbered.apply(step) }
    _ = try renumbered.apply(.syscall(child, .exit))
    _ = try renumbered.apply(.contextSwitch(cpu: 0, to: nil))
    #expect(renumbered.kernel.threads.count == 3)
    #expect(fresh.canonical().state == renumbered.canonical().state)
    #expect(fresh.canonical().state.hashValue == renumbered.canonical().state.hashValue)
  }

  @Test func threadSymmetryIdentifiesThreadsOfIdenticalRole() throws {
    var first = try bootedMachine(Linux55Strategy())
    try first.call(ThreadID(rawValue: 0), port7on)
    _ = try first.apply(.contextSwitch(cpu: 0, to: nil))
    var second = try bootedMachine(Linux55Strategy())
    try second.call(ThreadID(rawValue: 1), port7on)
    _ = try second.apply(.contextSwitch(cpu: 0, to: nil))
    #expect(first.canonical().bytes != second.canonical().bytes)
    #expect(first.canonical(.threads).bytes == second.canonical(.threads).bytes)
  }

  @Test func cpuSymmetryIdentifiesMirroredCPUs() throws {
    var left = try bootedMachine(Linux55Strategy(), cpus: 2)
    try left.call(ThreadID(rawValue: 0), port7on)
    var right = try bootedMachine(Linux55Strategy(), cpus: 2)
    _ = try right.apply(.migrate(ThreadID(rawValue: 0), cpu: 1))
    _ = try right.apply(.migrate(ThreadID(rawValue: 1), cpu: 0))
    try right.call(ThreadID(rawValue: 0), port7on)
    #expect(left.canonical(.threads).bytes != right.canonical(.threads).bytes)
    #expect(left.canonical(.all).bytes == right.canonical(.all).bytes)
  }

  /// Random walks over every design: canonicalisation is idempotent, and a machine restarted
  /// from the canonical state after every step behaves exactly as the original: the same
  /// steps enabled in the same order, the same outcomes and violations, and the same canonical
  /// state after each step (so renaming never changes what a design does).
  @Test(arguments: (StrategyCatalog.all + StrategyCatalog.variants).map(\.name))
  func canonicalFormIsIdempotentAndBehavesAsTheOriginal(_ name: String) throws {
    let strategy = try #require(StrategyCatalog.strategy(named: name))
    try walk(strategy, seed: 2019)
  }

  /// The same for every mutant, whose kernel deviations bring a reference kernel along.
  @Test(arguments: MutantCatalog.all.map(\.name))
  func canonicalFormOfEveryMutantBehavesAsTheOriginal(_ name: String) throws {
    let mutant = try #require(MutantCatalog.mutant(named: name))
    try walk(mutant.strategy, seed: 2020, deviations: mutant.deviations)
  }

  private func walk(_ strategy: some SwitchStrategy, seed: UInt64, deviations: Set<KernelDeviation> = []) throws {
    var menu = StepMenu(ranges: StepMenu.defaultRanges(portCount: 128), portCount: 128, maxThreads: 4)
    menu.weights = [:]
    var random = SimulationRandom(seed: seed)
    for walk in 0..<12 {
      var original = try bootedMachine(strategy, cpus: 2, deviations: deviations)
      var shadow = original
      for step in 0..<50 {
        let context = Comment(rawValue: "\(strategy.name), seed \(seed), walk \(walk), step \(step)")
        for symmetry in [Symmetry(), .all] {
          let canonical = original.canonical(symmetry)
          var again = original
          again.state = canonical.state
          #expect(again.canonical(symmetry).bytes == canonical.bytes, context)
        }
        shadow.state = shadow.canonical().state
        let steps = original.enabledSteps(menu).map(\.step)
        let shadowSteps = shadow.enabledSteps(menu).map(\.step)
        try #require(steps.count == shadowSteps.count, context)
        let choice = random.uniform(0...(steps.count - 1))
        let result = try original.apply(steps[choice])
        let shadowResult = try shadow.apply(shadowSteps[choice])
        #expect(result.outcome.description == shadowResult.outcome.description, context)
        #expect(result.violation?.kind == shadowResult.violation?.kind, context)
        #expect(original.invariantViolations().isEmpty == shadow.invariantViolations().isEmpty, context)
        #expect(original.canonical().bytes == shadow.canonical().bytes, context)
      }
    }
  }
}
