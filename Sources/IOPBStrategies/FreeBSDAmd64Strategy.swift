import IOPBCPU
import IOPBCost
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

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String { "FreeBSD amd64, sys/amd64/amd64/cpu_switch.S cpu_switch and sys_machdep.c amd64_set_ioperm()" }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String { "private TSS per permission holder; descriptor rewrite and LTR when the TSS pointer differs; no copy" }

  /// FreeBSD stores into its writable per-CPU GDT: no LGDT.
  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    PrivateTSSTable(cpuCount: cpuCount, kernel: kernel, descriptorUpdate: .writableGDT)
  }

  /// `cpu_switch` (`do_tss`): rewrite the descriptor and LTR only when the TSS to run on
  /// differs from `PCPU(TSSP)`; otherwise refresh the limit after a VM exit.
  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    let target = context.state.prepareSwitch(to: next, kernel: context.kernel, counts: &context.counts)
    if context.state.cpus[cpu].loaded != target {
      context.state.load(target, on: cpu, counts: &context.counts)
    } else if target != nil {
      context.state.refreshLimit(on: cpu, counts: &context.counts)
    }
  }
}
