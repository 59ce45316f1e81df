import IOPBCPU
import IOPBCost
import IOPBKernel

/// HelenOS ia32/amd64 (`helenos`): the map belongs to the task (here: the process). A switch to
/// a thread of another task installs that task's map: it copies `ceil(n/8)` bytes for the `n`
/// ports up to the highest enabled one and sets the byte after them, shrinks the TSS
/// descriptor's limit to match, reloads the GDT and TR. A switch to idle, or back to the task the
/// CPU last ran, installs nothing. Enabling or disabling ports touches no TSS: it bumps the
/// task's generation, and a #GP whose generation differs from the one installed on the CPU
/// reinstalls the map and restarts the instruction. A thread's exit touches nothing either.
///
/// HelenOS calls a process a task; the model names it ``ProcessID``.
///
/// Sources: `io_perm_bitmap_install()` in `kernel/arch/{ia32,amd64}/src/ddi/ddi.c`;
/// `ddi_iospace_enable_arch()` and `ddi_iospace_disable_arch()` in
/// `kernel/genarch/src/ddi/ddi-bitmap.c` (8cd680c007 "Add pio_disable()"); `switch_task()` in
/// `kernel/generic/src/proc/scheduler.c` (returns at once when `TASK` is the task; idle keeps
/// `TASK`), `before_task_runs_arch()` in `kernel/arch/{ia32,amd64}/src/proc/scheduler.c`;
/// `gp_fault()` in `kernel/arch/{ia32,amd64}/src/interrupt.c` (peers.md §7).
///
/// So a CPU keeps a task's map installed while the task changes it: a port a thread dropped, or
/// held by a thread that exited (exec's `de_thread` included), stays reachable there until the
/// next task switch; that is the declared per-task limitation. The model's departures: the map
/// installed is the bitmap of the thread that triggers the install, and the generation is that
/// thread's view (bitmap and sequence), so a #GP by another thread of the task whose view
/// differs reinstalls where HelenOS, whose generation is per task, would deliver SIGSEGV; the
/// copy covers up to the highest port allowed now, where HelenOS copies up to the task's
/// high-water mark of enabled ports. `iopl(3)` installs the all-zero `mapall` with the full
/// limit. HelenOS hosts no VMX guest: a VM exit changes nothing.
public struct HelenOSStrategy: SwitchStrategy {
  public struct CPUState: CPURecord {
    public var tss: BitmapTSS
    /// The process (HelenOS's `TASK`) whose map is installed; nil before the first install.
    public var process: ProcessID?
    /// The installed view (`CPU->arch.iomapver_copy`).
    public var installed: PortView = .none
    /// Map bytes the installed limit covers.
    public var installedBytes = 0
  }

  public typealias State = PerCPUState<CPUState>

  public init() {}

  public var name: String { "helenos" }

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String { "HelenOS ia32/amd64, kernel/arch/*/src/ddi/ddi.c io_perm_bitmap_install() and scheduler.c switch_task()" }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String { "switch to another task: copy up to its highest port, shrink the limit, LGDT, LTR; #GP reinstalls" }

  public var limitations: [String] {
    [
      "the map is per task and installed only at a task switch: a thread can reach ports another thread of its process held when the map was installed, including ports since dropped or held by a thread that has exited, until the next task switch or #GP"
    ]
  }

  /// A port violation on a CPU that holds the thread's process's map, installed for another
  /// view than the thread's current one, when that map decides the ports as the CPU did: a
  /// leak of what it grants, a refusal of what it lacks. Anything else (another process's map,
  /// the thread's own current view, ports the installed map decides otherwise, CLI/STI) is not
  /// the per-task limitation.
  public func limitationExplains(_ violation: Violation, kernel: Kernel, state: State) -> Bool {
    guard let access = violation.access, state.cpus.indices.contains(violation.cpu) else { return false }
    let record = state.cpus[violation.cpu]
    guard record.process == kernel[violation.thread].process,
      record.installed != PortView(of: violation.thread, in: kernel)
    else { return false }
    let decision = IOPermissionCheck.decide(access, tss: record.tss.segment)
    return decision.isAllowed == violation.isLeak
  }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    var tss = BitmapTSS(portCount: kernel.portCount, baseAtMap: true)
    tss.segment.limit = tss.layout.validMap
    return State(CPUState(tss: tss), count: cpuCount)
  }

  /// `switch_task()` → `before_task_runs_arch()`: install when the incoming thread's task is not
  /// the one the CPU last ran; idle keeps the task.
  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    guard let next, context.kernel[next].process != context.state.cpus[cpu].process else { return }
    install(next, into: &context.state.cpus[cpu], kernel: context.kernel, counts: &context.counts)
  }

  /// `ddi_iospace_enable_arch()`/`ddi_iospace_disable_arch()`: the task's map and generation
  /// change, no TSS does.
  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {}

  /// HelenOS hosts no VMX guest.
  public func vmExit(on cpu: CPUID, current: ThreadID?, in context: inout Context) {}

  /// `gp_fault()`: a #GP whose task generation differs from the installed one reinstalls the
  /// map and restarts the instruction.
  public func generalProtection(
    on cpu: CPUID, thread: ThreadID, access: IOAccess, in context: inout Context
  ) -> Bool {
    context.counts.sequenceCompares += 1
    guard context.state.cpus[cpu].installed != PortView(of: thread, in: context.kernel) else { return false }
    install(thread, into: &context.state.cpus[cpu], kernel: context.kernel, counts: &context.counts)
    context.counts.generalProtectionFixups += 1
    return true
  }

  /// I2 only (`mapall`): the map keeps no dirty extent, and bytes past the installed limit keep
  /// what a longer map installed earlier left there, which the CPU never reads.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    invariantViolations(in: state, kernel: kernel, currents: currents, within: .everything)
  }

  /// The same rules at the CPUs in `scope`.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>, within scope: InvariantScope
  ) -> [InvariantViolation] {
    state.layoutViolations(within: scope).filter { $0.rule == .mapall }
  }

  /// `io_perm_bitmap_install()` for `thread`'s task.
  func install(
    _ thread: ThreadID, into record: inout CPUState, kernel: Kernel, counts: inout OperationCounts
  ) {
    let layout = record.tss.layout
    let view = PortView(of: thread, in: kernel)
    if view == .all {
      record.tss.setBaseIfChanged(layout.validAll, counts: &counts)
      record.installedBytes = 0
      record.tss.segment.limit = layout.limit
    } else {
      let bitmap = kernel.bitmap(of: thread)
      let bytes = ((bitmap?.allowedPortEnd ?? 0) + 7) / 8
      if let bitmap { record.tss.copy(bitmap, range: 0..<bytes, counts: &counts) }
      // bitmap_set_range() of the 8 bits after the map: one byte store, only when n > 0.
      record.tss.segment.write([0xFF], at: layout.validMap + bytes)
      if bytes > 0 { counts.bytesCopied += 1 }
      record.tss.setBaseIfChanged(layout.validMap, counts: &counts)
      record.installedBytes = bytes
      record.tss.segment.limit = layout.validMap + bytes
    }
    DescriptorUpdate.reloadedGDT.countReload(into: &counts)
    record.process = kernel[thread].process
    record.installed = view
  }
}
