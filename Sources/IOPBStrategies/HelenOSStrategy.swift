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
/// HelenOS calls a process a task; the model names it ``ProcessID``.
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
  public struct CPUState: CPURecord {
    public var tss: BitmapTSS
    /// The process (HelenOS's task) whose map is installed; nil for the kernel task (idle,
    /// boot).
    public var process: ProcessID?
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

  /// A port violation on a CPU that holds the thread's process's map, installed for another
  /// thread (not this thread's view): a leak of ports another live thread of the same process
  /// is entitled to, or a refusal of ports another live thread is not. Anything else (another
  /// process's map, ports no live thread of the process holds, CLI/STI) is not the per-task
  /// limitation.
  public func limitationExplains(_ violation: Violation, kernel: Kernel, state: State) -> Bool {
    guard let ports = violation.ports, state.cpus.indices.contains(violation.cpu) else { return false }
    let record = state.cpus[violation.cpu]
    let process = kernel[violation.thread].process
    guard record.process == process, record.installed != PortView(of: violation.thread, in: kernel) else {
      return false
    }
    return kernel.threads(of: process).contains { other in
      other != violation.thread && kernel.entitles(other, ports: ports) == violation.isLeak
    }
  }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    var tss = BitmapTSS(portCount: kernel.portCount, baseAtMap: true)
    tss.segment.limit = tss.layout.validMap
    return State(CPUState(tss: tss, installedLimit: tss.layout.validMap), count: cpuCount)
  }

  /// `before_task_runs_arch()`: install the map when the incoming thread's task differs.
  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    if next.map({ context.kernel[$0].process }) != context.state.cpus[cpu].process {
      install(next, into: &context.state.cpus[cpu], kernel: context.kernel, counts: &context.counts)
    }
  }

  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    if removesInstalledPorts(thread, from: context.state.cpus[cpu], kernel: context.kernel) {
      install(thread, into: &context.state.cpus[cpu], kernel: context.kernel, counts: &context.counts)
    }
  }

  public func vmExit(on cpu: CPUID, current: ThreadID?, in context: inout Context) {
    context.state.cpus[cpu].tss.segment.limit = TaskStateSegment.vmExitLimit
    context.state.cpus[cpu].tss.limitInvalid = true
    if PortView(of: current, in: context.kernel).grantsPorts {
      install(current, into: &context.state.cpus[cpu], kernel: context.kernel, counts: &context.counts)
    }
  }

  /// `gp_fault()`: a #GP whose task generation differs from the installed one reinstalls the
  /// map and restarts the instruction.
  public func generalProtection(
    on cpu: CPUID, thread: ThreadID, access: IOAccess, in context: inout Context
  ) -> Bool {
    context.counts.sequenceCompares += 1
    let record = context.state.cpus[cpu]
    let view = PortView(of: thread, in: context.kernel)
    guard record.installed != view || record.tss.limitInvalid && view.grantsPorts else {
      return false
    }
    install(thread, into: &context.state.cpus[cpu], kernel: context.kernel, counts: &context.counts)
    context.counts.generalProtectionFixups += 1
    return true
  }

  /// True when `record`'s TSS grants a port that `thread`'s permissions no longer include.
  func removesInstalledPorts(_ thread: ThreadID, from record: CPUState, kernel: Kernel) -> Bool {
    switch (record.installed, PortView(of: thread, in: kernel)) {
    case (.none, _), (_, .all): return false
    case (.all, _): return true
    case (.map, _):
      let bitmap = kernel.bitmap(of: thread)
      let map = record.tss.layout.validMap
      return (0..<record.installedBytes).contains { offset in
        let now = bitmap?.byteOrAllOnes(at: offset) ?? 0xFF
        return ~record.tss.segment.bytes[map + offset] & now != 0
      }
    }
  }

  /// None: the map keeps no dirty extent, and bytes past the installed limit keep what a longer
  /// map installed earlier left there, which the CPU never reads. The layout's I1 does not
  /// apply; I2 (`mapall`) is checked.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    state.layoutViolations.filter { $0.rule == .mapall }
  }

  /// `io_perm_bitmap_install()` for `thread`'s task (nil: the kernel task, n = 0).
  func install(
    _ thread: ThreadID?, into record: inout CPUState, kernel: Kernel, counts: inout OperationCounts
  ) {
    let layout = record.tss.layout
    let view = PortView(of: thread, in: kernel)
    if view == .all {
      record.tss.setBaseIfChanged(layout.validAll, counts: &counts)
      record.installedBytes = 0
      record.installedLimit = layout.limit
    } else {
      let bitmap = thread.flatMap { kernel.bitmap(of: $0) }
      let bytes = view == .none ? 0 : ((bitmap?.allowedPortEnd ?? 0) + 7) / 8
      if let bitmap { record.tss.copy(bitmap, range: 0..<bytes, counts: &counts) }
      // bitmap_set_range() of the 8 bits after the map: one byte store, only when n > 0.
      record.tss.segment.write([0xFF], at: layout.validMap + bytes)
      if bytes > 0 { counts.bytesCopied += 1 }
      record.tss.setBaseIfChanged(layout.validMap, counts: &counts)
      record.installedBytes = bytes
      record.installedLimit = layout.validMap + bytes
    }
    record.tss.segment.limit = record.installedLimit
    record.tss.limitInvalid = false
    DescriptorUpdate.reloadedGDT.countReload(into: &counts)
    record.process = thread.map { kernel[$0].process }
    record.installed = view
  }
}
