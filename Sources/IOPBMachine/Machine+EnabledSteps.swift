import IOPBCPU
import IOPBKernel
import IOPBStrategies

extension Machine {
  /// Every step of `menu` this state enables, in a fixed order (CPU by CPU, then the actions of
  /// every live thread under implicit scheduling, then the steps that name no CPU): the one list
  /// the checker explores, random drivers draw from (``randomStep(_:index:)``), and property
  /// tests walk. Each one can be taken without a ``MachineError`` by applying
  /// ``steps(for:)`` in order (under explicit scheduling, just its ``EnabledStep/step``).
  ///
  /// Per CPU: switches to each live thread that runs nowhere (on its own CPU only, unless
  /// `migrate`) and to idle; the current thread's return to user mode when it is in the
  /// kernel; under explicit scheduling, when it is in user mode, its actions; a VM exit. Under
  /// implicit scheduling, then, the actions of each live thread, on the CPU it is placed on.
  /// Last, an allocation failure when none is pending.
  ///
  /// A thread's actions: its system calls (each of ``StepMenu/ioperms``, each of
  /// ``StepMenu/levels``, `fork` and `clone` below ``StepMenu/maxThreads`` onto its CPU or
  /// onto each CPU (``StepMenu/childPlacement``), `execve`, `exit` above
  /// ``StepMenu/minThreads``, `setresuid` to each of ``StepMenu/userIDs``), its probes of
  /// ports that exist, each of ``StepMenu/interruptFlagInstructions``, and under implicit
  /// scheduling with `migrate` its move to each CPU.
  public func enabledSteps(_ menu: StepMenu) -> [EnabledStep] {
    enabledSteps(menu, only: nil)
  }

  /// The machine steps that take `enabled`: under implicit scheduling a thread's action comes
  /// after the steps that bring the thread onto the CPU it is placed on and into user mode
  /// (``preparation(for:userMode:)``), and a migration before them (the thread is moved, then
  /// brought onto its new CPU), as a scenario's thread steps are run. Otherwise the step alone.
  public func steps(for enabled: EnabledStep) -> [MachineStep] {
    guard let actor = enabled.actor else { return [enabled.step] }
    if case .migrate(_, let target) = enabled.step {
      // After the move `actor` is placed on `target`; it still runs only if it ran there.
      let stays = runningCPU(of: actor) == target
      if !stays { return [enabled.step, .contextSwitch(cpu: target, to: actor), .returnToUser(cpu: target)] }
      return cpus[target].inUserMode ? [enabled.step] : [enabled.step, .returnToUser(cpu: target)]
    }
    return preparation(for: actor) + [enabled.step]
  }

  /// One step of `menu` drawn as a random driver does: the operation first, among those with
  /// an enabled step, with probability proportional to ``StepMenu/weights``; then one of its
  /// steps uniformly. `index(n)` must return an index in `0..<n` (a seeded generator's draw, or
  /// a digit of a property test's input); out-of-range answers are clamped. Nil when `menu`
  /// enables nothing.
  ///
  /// Only the picked operation's steps are listed, so long argument lists cost nothing unless
  /// drawn. An operation drawn with no enabled step is set aside and the draw repeated among
  /// the rest, which keeps the proportions among the enabled ones.
  public func randomStep(_ menu: StepMenu, index: (_ count: Int) -> Int) -> EnabledStep? {
    var candidates = StepMenu.Operation.allCases.filter { menu.operations.contains($0) && menu.weight(of: $0) > 0 }
    while !candidates.isEmpty {
      let total = candidates.reduce(0) { $0 + menu.weight(of: $1) }
      var draw = clamped(index(total), below: total)
      var chosen = candidates.count - 1
      for (position, operation) in candidates.enumerated() {
        if draw < menu.weight(of: operation) {
          chosen = position
          break
        }
        draw -= menu.weight(of: operation)
      }
      let steps = enabledSteps(menu, only: candidates[chosen])
      if !steps.isEmpty { return steps[clamped(index(steps.count), below: steps.count)] }
      candidates.remove(at: chosen)
    }
    return nil
  }

  /// Starts a process as a random driver does: its credentials drawn uniformly from
  /// ``StepMenu/credentials`` (root when empty), then its CPU uniformly; `index` as for
  /// ``randomStep(_:index:)``.
  public mutating func spawnProcess(_ menu: StepMenu, index: (_ count: Int) -> Int) throws(MachineError) -> ThreadID {
    let credentials =
      menu.credentials.isEmpty ? .root : menu.credentials[clamped(index(menu.credentials.count), below: menu.credentials.count)]
    let cpu = CPUID(rawValue: clamped(index(cpuCount), below: cpuCount))
    return try spawn(credentials: credentials, on: cpu)
  }

  private func clamped(_ value: Int, below count: Int) -> Int { Swift.min(Swift.max(value, 0), Swift.max(count - 1, 0)) }

  /// ``enabledSteps(_:)``, or only those of the operation `only`; the other operations of
  /// `menu` still qualify it (`migrate` still lets switches move threads).
  private func enabledSteps(_ menu: StepMenu, only: StepMenu.Operation?) -> [EnabledStep] {
    let offers = { (operation: StepMenu.Operation) in
      (only == nil || only == operation) && menu.operations.contains(operation)
    }
    let live = kernel.liveThreads
    let running = Set(cpus.compactMap { $0.current })
    var steps: [EnabledStep] = []
    for cpu in cpus.indices {
      let slot = cpus[cpu]
      if offers(.switch) {
        let migrates = menu.operations.contains(.migrate)
        for thread in live where !running.contains(thread) && (migrates || homeCPU(of: thread) == cpu) {
          steps.append(EnabledStep(.switch, .contextSwitch(cpu: cpu, to: thread)))
        }
        if slot.current != nil { steps.append(EnabledStep(.switch, .contextSwitch(cpu: cpu, to: nil))) }
      }
      if let thread = slot.current {
        if kernel[thread].isIOWorker {
          if offers(.ioworker) {
            if live.count < menu.maxThreads {
              steps.append(EnabledStep(.ioworker, actor: thread, .ioWorker(thread, .createWorker(cpu: cpu))))
            }
            steps.append(EnabledStep(.ioworker, actor: thread, .ioWorker(thread, .exit)))
          }
        } else if !slot.inUserMode {
          if offers(.return) { steps.append(EnabledStep(.return, .returnToUser(cpu: cpu))) }
        } else if menu.scheduling == .explicit {
          appendActions(of: thread, on: cpu, menu: menu, liveCount: live.count, offers: offers, to: &steps)
        }
      }
      if offers(.vmexit) { steps.append(EnabledStep(.vmexit, .vmExit(cpu: cpu))) }
    }
    if menu.scheduling == .implicit {
      for thread in live where !kernel[thread].isIOWorker {
        appendActions(of: thread, on: homeCPU(of: thread), menu: menu, liveCount: live.count, offers: offers, to: &steps)
      }
    }
    if offers(.enomem), kernel.pendingAllocationFailures == 0 {
      steps.append(EnabledStep(.enomem, .failNextAllocation))
    }
    return steps
  }

  /// The actions of `thread`, which runs (or will run) on `cpu` in user mode.
  private func appendActions(
    of thread: ThreadID, on cpu: CPUID, menu: StepMenu, liveCount: Int, offers: (StepMenu.Operation) -> Bool,
    to steps: inout [EnabledStep]
  ) {
    func call(_ operation: StepMenu.Operation, _ call: Syscall) {
      steps.append(EnabledStep(operation, actor: thread, .syscall(thread, call)))
    }
    if offers(.ioperm) {
      for ioperm in menu.ioperms { call(.ioperm, .ioperm(from: ioperm.from, count: ioperm.count, turnOn: ioperm.turnOn)) }
    }
    if offers(.iopl) {
      for level in menu.levels { call(.iopl, .iopl(level: level)) }
    }
    if liveCount < menu.maxThreads {
      let targets = menu.childPlacement == .callersCPU ? [cpu] : Array(cpus.indices)
      if offers(.fork) {
        for target in targets { call(.fork, .fork(cpu: target)) }
      }
      if offers(.thread) {
        for target in targets { call(.thread, .thread(cpu: target)) }
      }
      if offers(.ioworker) {
        for target in targets { call(.ioworker, .ioWorker(cpu: target)) }
      }
    }
    if offers(.exec) { call(.exec, .exec) }
    if offers(.exit), liveCount > menu.minThreads { call(.exit, .exit) }
    if offers(.setresuid) {
      for uid in menu.userIDs { call(.setresuid, .setresuid(uid: uid)) }
    }
    if offers(.access) {
      for probe in menu.probes where Int(probe.port) < kernel.portCount {
        steps.append(EnabledStep(.access, actor: thread, .access(cpu: cpu, probe)))
      }
    }
    if offers(.cli) {
      for instruction in menu.interruptFlagInstructions {
        steps.append(EnabledStep(.cli, actor: thread, .interruptFlag(cpu: cpu, instruction)))
      }
    }
    if menu.scheduling == .implicit, offers(.migrate) {
      for target in cpus.indices { steps.append(EnabledStep(.migrate, actor: thread, .migrate(thread, cpu: target))) }
    }
  }
}
