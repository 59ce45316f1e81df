import IOPBCPU
import IOPBKernel

/// FreeBSD i386 (`freebsd-i386`): a thread that uses I/O permissions gets a private TSS in its
/// `pcb_ext`; `cpu_switch` copies its ready-made 8-byte descriptor into the GDT slot and runs
/// LTR on every switch to such a thread, even when that TSS is already loaded, and switches
/// back to the common TSS only when the per-CPU `PRIVATE_TSS` flag says a private one is in.
///
/// Sources: `i386_extend_pcb()`/`i386_set_ioperm()` in `sys/i386/i386/sys_machdep.c` and
/// `cpu_switch` in `sys/i386/i386/swtch.s` (peers.md §3). The flag is modelled as whether the
/// CPU designates a private TSS.
///
/// Linux semantics kept as for `freebsd-amd64`: a forked child inherits the bitmap at the cost
/// of a copy; `iopl(3)` uses an all-zero `mapall` in the private TSS.
public struct FreeBSDi386Strategy: SwitchStrategy {
  public typealias State = PrivateTSSTable

  public init() {}

  public var name: String { "freebsd-i386" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    PrivateTSSTable(cpuCount: cpuCount, kernel: kernel)
  }

  public func tss(on cpu: Int, in state: State) -> TaskStateSegment { state.segment(on: cpu) }

  public func contextSwitch(
    on cpu: Int, from previous: ThreadID?, to next: ThreadID?, kernel: Kernel,
    state: inout State, counts: inout OperationCounts
  ) {
    if let next, PortView(of: next, in: kernel).grantsPorts || state.threads[next] != nil {
      state.allocate(next, counts: &counts)
      state.sync(next, kernel: kernel, inPlace: false, counts: &counts)
      state.load(next, on: cpu, counts: &counts)
    } else if state.cpus[cpu].loaded != nil {
      state.load(nil, on: cpu, counts: &counts)
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
