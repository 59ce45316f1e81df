import IOPBCPU
import IOPBCost
import IOPBKernel

/// Zircon, Fuchsia's kernel (`zircon`): the enabled ports belong to the address space (here: the
/// process) as a run-length bitmap, and every CPU's TSS map is edited in place. A switch between
/// address spaces sets the outgoing space's runs back to 1 and clears the incoming space's to
/// 0; a switch within one address space does nothing. An update edits the space's runs with
/// preemption off, then runs a task on every CPU by `mp_sync_exec()` (an IPI to each other CPU,
/// the local one directly): a CPU whose current address space is the updated one resets its whole
/// map to 1 and clears the new runs.
///
/// Sources (fuchsia, `zircon/kernel`): `IoBitmap::SetIoBitmap()` and `IoBitmap::UpdateTask()`,
/// `x86_reset_tss_io_bitmap()`, `x86_set_tss_io_bitmap()` (clears the runs' bits) and
/// `x86_clear_tss_io_bitmap()` (sets them) in `arch/x86/ioport.cc`;
/// `X86ArchVmAspace::ContextSwitch()` in `arch/x86/mmu.cc`; `Scheduler::RescheduleCommon()` in
/// `kernel/scheduler.cc`, which calls `vmm_context_switch()` only when the two threads' address
/// spaces differ (kernel threads, idle included, have none); `mp_sync_exec()` in
/// `kernel/mp.cc`, which takes the local CPU out of the IPI mask and runs the task itself;
/// `vmx_enter()` in `arch/x86/hypervisor/vcpu.cc`, which clears the TSS busy bit and reloads
/// TR after every VM exit (peers.md §13a). The syscalls are `zx_ioports_request()` and
/// `zx_ioports_release()` (`lib/syscalls/ddk.cc`).
///
/// Linux's per-thread permissions map onto one bitmap per process: the address space's runs are
/// the ports any live thread of the process may reach (its bitmap's, or all of them at
/// `iopl(3)`). After an `ioperm`, `iopl` or exit changes that union, the model issues one
/// `SetIoBitmap()` per maximal range to enable or disable, as `zx_ioports_request()` and
/// `zx_ioports_release()` calls would; a forked process gets its runs when it first runs (as if
/// its creator requested them). So every thread of a process reaches the ports any thread of it
/// holds: the declared per-process limitation. Zircon's IOPL stays 0: CLI and STI fault.
public struct ZirconStrategy: SwitchStrategy {
  /// One CPU: its TSS (`percpu.default_tss`, base always at the map) and the address space
  /// (process) it runs; nil for a kernel thread or idle.
  public typealias CPUState = ProcessCPU

  public struct State: PerCPUTSSState {
    public var cpus: PerCPU<CPUState>
    /// Each address space's `IoBitmap::bitmap_`, once requested; a process absent here has
    /// none yet.
    public var bitmaps = IDTable<ProcessID, PortExtents>()
  }

  public init() {}

  public var name: String { "zircon" }

  /// Where the design comes from.
  public var origin: String {
    "Fuchsia Zircon: IoBitmap::SetIoBitmap() and UpdateTask() in zircon/kernel/arch/x86/ioport.cc, X86ArchVmAspace::ContextSwitch() in zircon/kernel/arch/x86/mmu.cc"
  }

  /// What it does, in one line.
  public var mechanism: String {
    "per-address-space run-length map written at an address-space switch; updates resync CPUs by IPI"
  }

  public var limitations: [String] {
    [
      "the ports belong to the address space: every thread of a process reaches the ports any live thread of it holds"
    ]
  }

  /// A leak on a CPU running the thread's own process whose every port some live thread of that
  /// process may reach: the per-process union, not a stale map. Nothing else (wrong denials,
  /// CLI/STI, another process's ports) is explained.
  public func limitationExplains(_ violation: Violation, kernel: Kernel, state: State) -> Bool {
    guard violation.isLeak, let ports = violation.ports, state.cpus.indices.contains(violation.cpu) else {
      return false
    }
    let process = kernel[violation.thread].process
    guard state.cpus[violation.cpu].process == process, ports.upperBound < kernel.portCount else { return false }
    let union = Self.union(of: process, in: kernel)
    return ports.allSatisfy(union.contains)
  }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    var tss = BitmapTSS(portCount: kernel.portCount, baseAtMap: true)
    // Any map byte may hold a run's zero bits: I1 checks only the all-ones tail after the map.
    tss.dirtyBytes = tss.layout.bitmapBytes
    return State(cpus: PerCPU(repeating: CPUState(tss: tss), count: cpuCount))
  }

  /// `vmm_context_switch()` when the address spaces differ: `X86ArchVmAspace::ContextSwitch()`
  /// sets the old space's runs to 1, then clears the new space's to 0.
  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    let process = next.map { context.kernel[$0].process }
    if let process, !context.state.bitmaps.contains(process) {
      request(process, in: &context)
    }
    let old = context.state.cpus[cpu].process
    guard old != process else { return }
    if let old, context.state.bitmaps.contains(old) {
      count(
        context.state.bitmaps[existing: old].write(into: &context.state.cpus[cpu].tss, granting: false),
        into: &context.counts)
    }
    // request(_:in:) above stored the incoming process's map.
    if let process {
      count(
        context.state.bitmaps[existing: process].write(into: &context.state.cpus[cpu].tss, granting: true),
        into: &context.counts)
    }
    context.state.cpus[cpu].process = process
  }

  /// `zx_ioports_request()`/`zx_ioports_release()` for the ranges by which the process's union
  /// changed.
  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    request(context.kernel[thread].process, in: &context)
  }

  /// An exit (exec's `de_thread()` included) can shrink the process's union.
  public func threadExited(_ thread: ThreadID, on cpu: CPUID, in context: inout Context) {
    let process = context.kernel[thread].process
    guard context.state.bitmaps.contains(process) else { return }
    if context.kernel.threads(of: process).isEmpty {
      context.state.bitmaps[process] = nil
    } else {
      request(process, in: &context)
    }
  }

  /// `vmx_enter()`: after every VM exit, clear the TSS busy bit and LTR, restoring the limit.
  public func vmExit(on cpu: CPUID, current: ThreadID?, in context: inout Context) {
    context.state.cpus[cpu].tss.segment.limit = context.state.cpus[cpu].tss.layout.limit
    DescriptorUpdate.writableGDT.countReload(into: &context.counts)
  }

  /// I1 and I2 of every TSS; each CPU's map holding exactly its address space's runs (the
  /// invariant `SetIoBitmap()`'s comment says correctness rests on); and each requested
  /// bitmap equal to its process's union (the model's mapping of Linux permissions).
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    var problems = state.layoutViolations
    for cpu in state.cpus.indices {
      var expected = BitmapTSS(portCount: kernel.portCount, baseAtMap: true)
      if let process = state.cpus[cpu].process, let runs = state.bitmaps[process] {
        runs.write(into: &expected, granting: true)
      }
      let map = expected.layout.validMap..<(expected.layout.validMap + expected.layout.bitmapBytes)
      if state.cpus[cpu].tss.segment.bytes[map] != expected.segment.bytes[map] {
        problems.append(InvariantViolation(.mapDiffersFromBookkeeping, at: .cpu(cpu)))
      }
    }
    for (process, runs) in state.bitmaps where runs != Self.union(of: process, in: kernel) {
      if let thread = kernel.threads(of: process).first {
        problems.append(InvariantViolation(.bookkeepingBehindKernel, at: .thread(thread)))
      }
    }
    return problems
  }

  /// The ports some live thread of `process` may reach.
  static func union(of process: ProcessID, in kernel: Kernel) -> PortExtents {
    PortExtents(union: kernel.threads(of: process).map { PortView(of: $0, in: kernel) }, kernel: kernel)
  }

  /// `SetIoBitmap()` for each range by which `process`'s bitmap differs from its union: the edit,
  /// then `mp_sync_exec(MP_IPI_TARGET_ALL, …, UpdateTask)`: an IPI to every other CPU, and on
  /// each CPU running the address space (this one directly) a reset of the whole map and the
  /// runs cleared again.
  func request(_ process: ProcessID, in context: inout Context) {
    let target = Self.union(of: process, in: context.kernel)
    var runs = context.state.bitmaps[process] ?? PortExtents()
    defer { context.state.bitmaps[process] = runs }
    for edit in runs.edits(to: target, portCount: context.kernel.portCount) {
      runs.set(edit.ports, enable: edit.enable)
      context.counts.interprocessorInterrupts += context.state.cpus.count - 1
      for cpu in context.state.cpus.indices where context.state.cpus[cpu].process == process {
        context.state.cpus[cpu].tss.fill(0..<context.state.cpus[cpu].tss.layout.bitmapBytes, counts: &context.counts)
        count(runs.write(into: &context.state.cpus[cpu].tss, granting: true), into: &context.counts)
      }
    }
  }

  /// Each run written is one store-only pass over its bytes: a fill.
  func count(_ written: (runs: Int, bytes: Int), into counts: inout OperationCounts) {
    counts.fills += written.runs
    counts.bytesFilled += written.bytes
  }
}
