import IOPBCPU
import IOPBKernel

/// The CPUs and threads the machine's steps acted on since the last incremental invariant check
/// (``Machine/touchedInvariantViolations()``); what the kernel wrote comes from its own journal.
///
/// Bounded as ``KernelChanges`` is: past ``KernelChanges/limit`` entries it gives up and says
/// "everything", so a machine nobody checks keeps no growing list.
struct TouchedPlaces: Sendable {
  private(set) var cpus: [CPUID] = []
  private(set) var threads: [ThreadID] = []
  /// A step entered the kernel: its hooks may have reached any CPU.
  private(set) var allCPUs = false
  /// Everything may have changed (the state was set, or the lists overflowed).
  private(set) var isEverything = false

  mutating func everything() {
    self = TouchedPlaces()
    isEverything = true
  }

  /// What `step` acts on before it is taken, with `currents` as they are then.
  mutating func note(_ step: MachineStep, currents: PerCPU<CPUSlot>) {
    guard !isEverything else { return }
    switch step {
    case .syscall(let thread, _), .ioWorker(let thread, _):
      allCPUs = true
      note(cpu: nil, threads: thread, nil)
    case .returnToUser(let cpu), .access(let cpu, _), .interruptFlag(let cpu, _), .vmExit(let cpu):
      note(cpu: cpu, threads: currents.indices.contains(cpu) ? currents[cpu].current : nil, nil)
    case .migrate(let thread, let cpu):
      note(cpu: cpu, threads: thread, nil)
    case .contextSwitch, .failNextAllocation:
      // A switch is noted where every switch passes (``Machine``'s `switchTasks`).
      break
    }
  }

  /// `cpu` and the threads acted on.
  @inline(__always)
  mutating func note(cpu: CPUID?, threads first: ThreadID?, _ second: ThreadID?) {
    // Inlined up to here: a machine nobody checks incrementally is soon at "everything".
    guard !isEverything else { return }
    append(cpu: cpu, threads: first, second)
  }

  private mutating func append(cpu: CPUID?, threads first: ThreadID?, _ second: ThreadID?) {
    // A thread's accesses one after another name the same places: noted once.
    if second == nil, let cpu, cpus.last == cpu, first == nil || threads.last == first { return }
    if let cpu { cpus.append(cpu) }
    if let first { threads.append(first) }
    if let second { threads.append(second) }
    if cpus.count + threads.count > KernelChanges.limit { everything() }
  }
}
