import IOPBCPU
import IOPBCost
import IOPBKernel

/// HelenOS ia32/amd64 (`helenos`): the map belongs to the task (here: the process). A switch to
/// a thread of another task installs that task's map: it copies `ceil(n/8)` bytes for the `n`
/// ports up to the highest enabled one plus a trailing 0xFF byte, shrinks the TSS descriptor's
/// limit to match, reloads the GDT and TR. Enabling ports touches no TSS: it bumps the task's
/// generation, and a #GP whose task generation differs from the one installed on the CPU
/// reinstalls the map and restarts the instruction.
///
/// Sources: `io_perm_bitmap_install()` and `ddi_iospace_enable_arch()` in
/// `kernel/arch/ia32/src/ddi/ddi.c`, `before_task_runs_arch()` in
/// `kernel/arch/{ia32,amd64}/src/proc/scheduler.c`, `gp_fault()` in
/// `kernel/arch/{ia32,amd64}/src/interrupt.c` (peers.md §7). The generation here is the
/// installed view itself (bitmap and sequence), compared on every #GP.
///
/// HelenOS cannot take permissions away; a Linux `ioperm(…, 0)`, `iopl(0)` or exit that removes
/// an installed port reinstalls at once instead. `iopl(3)` installs the all-zero `mapall` with
/// the full limit.
public struct HelenOSStrategy: SwitchStrategy {
  public struct CPUState: CPUTSSRecord {
    public var tss: BitmapTSS
    /// The task whose map is installed: a process, or nil for the kernel task (idle, boot).
    public var task: ProcessID?
    /// The installed view (`CPU->arch.iomapver_copy`).
    public var installed: PortView = .none
    /// Map bytes the installed limit covers.
    public var installedBytes = 0
    /// The limit `io_perm_bitmap_install()` set, which a VM exit cuts to 0x67.
    public var installedLimit: Int
  }

  public typealias State = PerCPUState<CPUState>

  public init() {}

  public var name: String { "helenos" }

  public var limitations: [String] {
    [
      "the map is per task: a switch between threads of one process installs nothing, so a thread can reach ports another thread of its process holds until the next task switch or #GP"
    ]
  }

  /// A port disagreement on a CPU that holds the thread's task's map, installed for another
  /// thread (not this thread's view): a leak of ports another live thread of the same process
  /// is entitled to, or a refusal of ports another live thread is not. Anything else (another
  /// task's map, ports no live thread of the process holds, CLI/STI) is not the per-task
  /// limitation.
  public func limitationExplains(
    _ disagreement: PermissionDisagreement, kernel: Kernel, state: State
  ) -> Bool {
    guard disagreement.kind != .interruptFlagChanged, let ports = disagreement.ports,
      state.cpus.indices.contains(disagreement.cpu)
    else { return false }
    let cpu = state.cpus[disagreement.cpu]
    let process = kernel[disagreement.thread].process
    guard cpu.task == process, cpu.installed != PortView(of: disagreement.thread, in: kernel) else {
      return false
    }
    return kernel.threads(of: process).contains { other in
      other != disagreement.thread
        && kernel.entitles(other, ports: ports) == (disagreement.kind == .leak)
    }
  }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    var tss = BitmapTSS(portCount: kernel.portCount, baseAtMap: true)
    tss.segment.limit = tss.layout.validMap
    return State(CPUState(tss: tss, installedLimit: tss.layout.validMap), count: cpuCount)
  }

  public func contextSwitch(
    on cpu: Int, from previous: ThreadID?, to next: ThreadID?, kernel: Kernel,
    state: inout State, counts: inout OperationCounts
  ) {
    let task = next.map { kernel[$0].process }
    if task != state.cpus[cpu].task {
      install(next, on: cpu, kernel: kernel, state: &state, counts: &counts)
    }
  }

  public func permissionsChanged(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    if removesInstalledPorts(thread, on: cpu, kernel: kernel, state: state) {
      install(thread, on: cpu, kernel: kernel, state: &state, counts: &counts)
    }
  }

  public func vmExit(
    on cpu: Int, current: ThreadID?, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    state.cpus[cpu].tss.segment.limit = TaskStateSegment.vmExitLimit
    state.cpus[cpu].tss.limitInvalid = true
    if PortView(of: current, in: kernel).grantsPorts {
      install(current, on: cpu, kernel: kernel, state: &state, counts: &counts)
    }
  }

  public func generalProtection(
    on cpu: Int, thread: ThreadID, access: IOAccess, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) -> Bool {
    counts.sequenceCompares += 1
    let cpuState = state.cpus[cpu]
    let view = PortView(of: thread, in: kernel)
    guard cpuState.installed != view || cpuState.tss.limitInvalid && view.grantsPorts else {
      return false
    }
    install(thread, on: cpu, kernel: kernel, state: &state, counts: &counts)
    counts.generalProtectionFixups += 1
    return true
  }

  /// True when the TSS grants a port that `thread`'s permissions no longer include.
  func removesInstalledPorts(_ thread: ThreadID, on cpu: Int, kernel: Kernel, state: State) -> Bool {
    let cpuState = state.cpus[cpu]
    switch (cpuState.installed, PortView(of: thread, in: kernel)) {
    case (.none, _), (_, .all): return false
    case (.all, _): return true
    case (.map, _):
      let bitmap = kernel.bitmap(of: thread)
      let map = cpuState.tss.layout.validMap
      return (0..<cpuState.installedBytes).contains { offset in
        let now = bitmap?.byteOrAllOnes(at: offset) ?? 0xFF
        return ~cpuState.tss.segment.bytes[map + offset] & now != 0
      }
    }
  }

  /// None: the map keeps no dirty extent. Bytes past the installed limit keep what a longer
  /// map installed earlier left there, which the CPU never reads.
  public func invariantViolations(state: State, kernel: Kernel, currents: [ThreadID?]) -> [String] {
    []
  }

  /// `io_perm_bitmap_install()` for `thread`'s task (nil: the kernel task, n = 0).
  func install(
    _ thread: ThreadID?, on cpu: Int, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    var cpuState = state.cpus[cpu]
    let layout = cpuState.tss.layout
    let view = PortView(of: thread, in: kernel)
    if view == .all {
      cpuState.tss.setBaseIfChanged(layout.validAll, counts: &counts)
      cpuState.installedBytes = 0
      cpuState.installedLimit = layout.limit
    } else {
      let bitmap = thread.flatMap { kernel.bitmap(of: $0) }
      let bytes = view == .none ? 0 : ((bitmap?.allowedPortEnd ?? 0) + 7) / 8
      if let bitmap { cpuState.tss.copy(bitmap, range: 0..<bytes, counts: &counts) }
      cpuState.tss.segment.write([0xFF], at: layout.validMap + bytes)
      counts.fills += 1
      counts.bytesFilled += 1
      cpuState.tss.setBaseIfChanged(layout.validMap, counts: &counts)
      cpuState.installedBytes = bytes
      cpuState.installedLimit = layout.validMap + bytes
    }
    cpuState.tss.segment.limit = cpuState.installedLimit
    cpuState.tss.limitInvalid = false
    counts.gdtWrites += 1
    counts.taskRegisterLoads += 1
    cpuState.task = thread.map { kernel[$0].process }
    cpuState.installed = view
    state.cpus[cpu] = cpuState
  }
}
