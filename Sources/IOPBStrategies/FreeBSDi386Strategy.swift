import IOPBCPU
import IOPBCost
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

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String { "FreeBSD i386, sys/i386/i386/swtch.s cpu_switch and sys_machdep.c i386_set_ioperm()" }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String { "private TSS; descriptor copy and LTR on every switch to a private-TSS thread, and back once" }

  /// FreeBSD stores into its writable per-CPU GDT: no LGDT.
  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    PrivateTSSTable(cpuCount: cpuCount, kernel: kernel, descriptorUpdate: .writableGDT)
  }

  /// `cpu_switch`: LTR on every switch to a thread with a private TSS; back to the common TSS
  /// only when `PRIVATE_TSS` says a private one is loaded.
  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    if let target = context.state.prepareSwitch(to: next, kernel: context.kernel, counts: &context.counts) {
      context.state.load(target, on: cpu, counts: &context.counts)
    } else if context.state.cpus[cpu].loaded != nil {
      context.state.load(nil, on: cpu, counts: &context.counts)
    }
  }
}
