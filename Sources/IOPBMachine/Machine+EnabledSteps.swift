import IOPBCPU
import IOPBKernel
import IOPBStrategies

extension Machine {
  /// Every step of `menu` this state enables, in a fixed order (CPU by CPU, then the steps
  /// that name no CPU): the one list the checker explores, random drivers draw from, and
  /// property tests walk. Each one can be applied without a ``MachineError``.
  ///
  /// Per CPU: switches to each live thread that runs nowhere (on its own CPU only, unless
  /// `migrate`) and to idle; the current thread's return to user mode when it is in the
  /// kernel; when it is in user mode its system calls (`ioperm` on and off of each range,
  /// each `iopl` level, `fork` and `clone` onto this CPU below the thread bound, `execve`,
  /// `exit`, `setresuid`), its probes and CLI; a VM exit. Then an allocation failure when
  /// none is pending.
  public func enabledSteps(_ menu: StepMenu) -> [MachineStep] {
    let has = menu.operations.contains
    let live = kernel.liveThreads
    let running = Set(cpus.compactMap { $0.current })
    var steps: [MachineStep] = []
    for cpu in cpus.indices {
      let slot = cpus[cpu]
      if has(.switch) {
        for thread in live where !running.contains(thread) && (has(.migrate) || homeCPU(of: thread) == cpu) {
          steps.append(.contextSwitch(cpu: cpu, to: thread))
        }
        if slot.current != nil { steps.append(.contextSwitch(cpu: cpu, to: nil)) }
      }
      if let thread = slot.current {
        if !slot.inUserMode {
          if has(.return) { steps.append(.returnToUser(cpu: cpu)) }
        } else {
          steps += userSteps(of: thread, on: cpu, menu: menu, liveCount: live.count)
        }
      }
      if has(.vmexit) { steps.append(.vmExit(cpu: cpu)) }
    }
    if has(.enomem), kernel.pendingAllocationFailures == 0 { steps.append(.failNextAllocation) }
    return steps
  }

  private func userSteps(of thread: ThreadID, on cpu: CPUID, menu: StepMenu, liveCount: Int) -> [MachineStep] {
    let has = menu.operations.contains
    var calls: [Syscall] = []
    if has(.ioperm) {
      for range in menu.ranges {
        for on in [true, false] {
          calls.append(.ioperm(from: UInt64(range.lowerBound), count: UInt64(range.count), turnOn: on))
        }
      }
    }
    if has(.iopl) { calls += menu.levels.map { .iopl(level: $0) } }
    if liveCount < menu.maxThreads {
      if has(.fork) { calls.append(.fork(cpu: cpu)) }
      if has(.thread) { calls.append(.thread(cpu: cpu)) }
    }
    if has(.exec) { calls.append(.exec) }
    if has(.exit) { calls.append(.exit) }
    if has(.setresuid) { calls.append(.setresuid(uid: menu.userID)) }
    var steps = calls.map { MachineStep.syscall(thread, $0) }
    if has(.access) { steps += menu.probes.map { .access(cpu: cpu, $0) } }
    if has(.cli) { steps.append(.interruptFlag(cpu: cpu, .cli)) }
    return steps
  }
}
