import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBStrategies
import Testing

/// The reference kernel of a machine whose kernel deviates, and the I/O worker steps.
@Suite struct ReferenceKernelTests {
  typealias LinuxMachine = Machine<Linux55Strategy>

  func machine(_ deviations: Set<KernelDeviation>, cpus: Int = 1) -> LinuxMachine {
    LinuxMachine(strategy: Linux55Strategy(), cpuCount: cpus, kernel: KernelConfiguration(deviations: deviations))
  }

  /// `thread` comes onto cpu0 and into user mode, then makes `call`.
  func call(_ machine: inout LinuxMachine, _ thread: ThreadID, _ call: Syscall) throws -> StepResult {
    for step in machine.preparation(for: thread) { _ = try machine.apply(step) }
    return try machine.apply(.syscall(thread, call))
  }

  @Test func onlyADeviatingKernelHasAReferenceWithoutTheDeviations() throws {
    #expect(machine([]).reference == nil)
    #expect(machine([]).state.reference == nil)
    var deviating = machine([.forkDropsPermissions])
    #expect(deviating.reference?.configuration.deviations == [])
    let parent = try deviating.spawn(credentials: .root, on: 0)
    _ = try call(&deviating, parent, .fork(cpu: 0))
    #expect(deviating.reference?.threads.map(\.id) == deviating.kernel.threads.map(\.id))
  }

  /// An old deviation changes what a thread is entitled to; the CPU follows the deviating kernel,
  /// the entitlement the reference.
  @Test func aChildThatLostItsPortsIsAWrongDenial() throws {
    var machine = machine([.forkDropsPermissions])
    let parent = try machine.spawn(credentials: .root, on: 0)
    _ = try call(&machine, parent, .ioperm(from: 0x80, count: 1, turnOn: true))
    let forked = try call(&machine, parent, .fork(cpu: 0))
    guard case .syscall(nil, let child?) = forked.outcome else {
      Issue.record("fork failed: \(forked.outcome)")
      return
    }
    for step in machine.preparation(for: child) { _ = try machine.apply(step) }
    let access = try machine.apply(.access(cpu: 0, IOAccess(port: 0x80)))
    #expect(access.violation?.kind == .wrongDenial(IOAccess(port: 0x80), .deniedByLimit(offset: 0x4098)))
  }

  /// Without copy on write the deviating ioperm takes no allocation, so an injected failure
  /// strikes its next fork instead, which the reference survives: reported, not a crash, and
  /// the machine goes on judging by the deviating kernel.
  @Test func aForkThatFailsInOnlyOneKernelIsADivergence() throws {
    var machine = machine([.noCopyOnWrite])
    let parent = try machine.spawn(credentials: .root, on: 0)
    _ = try call(&machine, parent, .ioperm(from: 0x80, count: 1, turnOn: true))
    _ = try call(&machine, parent, .fork(cpu: 0))
    _ = try machine.apply(.failNextAllocation)
    let changed = try call(&machine, parent, .ioperm(from: 0x81, count: 1, turnOn: true))
    #expect(changed.outcome == .syscall(nil, created: nil))
    #expect(changed.violations.isEmpty)
    let forked = try call(&machine, parent, .fork(cpu: 0))
    #expect(forked.outcome == .syscall(.noMemory, created: nil))
    #expect(
      forked.violations == [
        Violation(.referenceDiverged(created: nil, referenceCreated: ThreadID(rawValue: 2)), cpu: 0, thread: parent)
      ])
    #expect(machine.reference == nil)
    #expect(machine.state.reference == nil)
    _ = try machine.apply(.returnToUser(cpu: 0))
    let access = try machine.apply(.access(cpu: 0, IOAccess(port: 0x81)))
    #expect(access.violations.isEmpty)
  }

  @Test func theReferenceIsPartOfTheStateAndRestoredWithIt() throws {
    var machine = machine([.noSequenceBump])
    let a = try machine.spawn(credentials: .root, on: 0)
    let saved = machine.state
    _ = try call(&machine, a, .ioperm(from: 0x80, count: 1, turnOn: true))
    #expect(machine.state != saved)
    #expect(machine.reference?.bitmap(of: a)?.sequence == 1)
    #expect(machine.kernel.bitmap(of: a)?.sequence == 0)
    machine.state = saved
    #expect(machine.state == saved)
    #expect(machine.reference?.bitmaps.isEmpty == true)
  }

  @Test func anIOWorkerStaysInTheKernel() throws {
    var machine = machine([], cpus: 2)
    let user = try machine.spawn(credentials: .root, on: 0)
    let created = try call(&machine, user, .ioWorker(cpu: 1))
    guard case .syscall(nil, let worker?) = created.outcome else {
      Issue.record("create_io_thread() failed: \(created.outcome)")
      return
    }
    #expect(machine.kernel[worker].isIOWorker)
    #expect(machine.homeCPU(of: worker) == 1)
    #expect(machine.preparation(for: worker) == [.contextSwitch(cpu: 1, to: worker)])
    _ = try machine.apply(.contextSwitch(cpu: 1, to: worker))
    #expect(throws: MachineError.ioWorkerStaysInKernel(worker)) { try machine.apply(.returnToUser(cpu: 1)) }
    #expect(throws: MachineError.notInUserMode(cpu: 1)) { try machine.apply(.syscall(worker, .exec)) }
    #expect(throws: MachineError.notIOWorker(user)) { try machine.apply(.ioWorker(user, .exit)) }
    let second = try machine.apply(.ioWorker(worker, .createWorker(cpu: 0)))
    #expect(second.outcome == .syscall(nil, created: ThreadID(rawValue: 2)))
    let exited = try machine.apply(.ioWorker(worker, .exit))
    #expect(exited.outcome == .syscall(nil, created: nil))
    #expect(!machine.kernel.isAlive(worker))
    #expect(machine.cpus[1] == .idle)
    #expect(machine.invariantViolations().isEmpty)
  }
}
