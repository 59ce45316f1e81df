import IOPBCPU
import IOPBKernel

/// FreeBSD amd64 (`freebsd-amd64`): a thread that uses I/O permissions gets a private TSS
/// (`pcb_tssp`, 3 pages) holding its bitmap; `cpu_switch` compares the incoming thread's TSS
/// pointer (or the CPU's common TSS) with `PCPU(TSSP)` and only on a difference rewrites the
/// 16-byte GDT descriptor and runs LTR. Nothing is ever copied on a switch.
///
/// Sources: `amd64_set_ioperm()` in `sys/amd64/amd64/sys_machdep.c` (allocate, fill with 0xFF,
/// copy the common TSS, `pmap_pti_add_kva()`, LTR) and `cpu_switch` in
/// `sys/amd64/amd64/cpu_switch.S` (label `do_tss`); `cpu_thread_clean()` frees it (peers.md §2).
/// KPTI-compatible: the private TSS is mapped into the PTI user page table when allocated.
///
/// The model keeps Linux semantics where FreeBSD differs: a forked child inherits the bitmap
/// (FreeBSD's `cpu_fork` does not), paying a copy into its own private TSS; `iopl(3)` points
/// the private TSS's base at an all-zero `mapall` instead of setting real IOPL (`/dev/io`).
/// Whether the IST fields are refreshed after migration, and what bhyve does about the VM-exit
/// TR limit, are unconfirmed; the model reloads TR as Linux does.
public struct FreeBSDAmd64Strategy: SwitchStrategy {
  public typealias State = PrivateTSSTable

  public init() {}

  public var name: String { "freebsd-amd64" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    PrivateTSSTable(cpuCount: cpuCount, kernel: kernel)
  }

  public func tss(on cpu: Int, in state: State) -> TaskStateSegment { state.segment(on: cpu) }

  public func contextSwitch(
    on cpu: Int, from previous: ThreadID?, to next: ThreadID?, kernel: Kernel,
    state: inout State, counts: inout OperationCounts
  ) {
    var target: ThreadID?
    if let next, PortView(of: next, in: kernel).grantsPorts || state.threads[next] != nil {
      state.allocate(next, counts: &counts)
      state.sync(next, kernel: kernel, inPlace: false, counts: &counts)
      target = next
    }
    if state.cpus[cpu].loaded != target {
      state.load(target, on: cpu, counts: &counts)
    } else if target != nil {
      state.refreshLimit(on: cpu, counts: &counts)
    }
  }

  public func permissionsChanged(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    let grants = PortView(of: thread, in: kernel).grantsPorts
    guard grants || state.threads[thread] != nil else { return }
    state.allocate(thread, counts: &counts)
    state.sync(thread, kernel: kernel, inPlace: true, counts: &counts)
    if state.cpus[cpu].loaded != thread {
      state.load(thread, on: cpu, counts: &counts)
    } else if grants {
      state.refreshLimit(on: cpu, counts: &counts)
    }
  }

  public func vmExit(
    on cpu: Int, current: ThreadID?, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    state.vmExit(on: cpu, currentUsesMap: PortView(of: current, in: kernel).grantsPorts, counts: &counts)
  }

  public func threadExited(
    _ thread: ThreadID, on cpu: Int, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    state.free(thread)
  }

  public func invariantViolations(state: State, kernel: Kernel, currents: [ThreadID?]) -> [String] {
    state.invariantViolations(kernel: kernel)
  }
}
