import IOPBCPU
import IOPBCost
import IOPBKernel

/// Redox (`redox`): each CPU's processor control region holds one all-zero 8 KiB map followed
/// by a 0xFF byte, never written after boot. Access is switched wholesale by the map base: at
/// every switch the base is stored from the incoming context's flag, at the map (every port) or
/// at 0xFFFF (outside the TSS, no port). The flag is per context (thread); changing it for the
/// running context stores the base at once.
///
/// Sources (redox-os/kernel): kernel MR 289, "Replace iopl with either empty or full PIO
/// bitmap"; `ProcessorControlRegion` (`_iobitmap`, `_all_ones`), `set_userspace_io_allowed()`
/// and `init_and_install_pcr()` (base 0xFFFF at boot, limit covering the map and its 0xFF byte)
/// in `src/arch/x86_shared/gdt.rs`; `switch_to()`, which calls `set_userspace_io_allowed()`
/// with `next.arch.userspace_io_allowed` on every switch, and
/// `Context::set_userspace_io_allowed()`, which writes the base only for the current context,
/// in `src/context/arch/x86_64.rs`; `iopl()` in `src/syscall/driver.rs` (level ≥ 3 allows)
/// (peers.md §9, §13a).
///
/// Linux's permissions map onto the flag: a thread whose view grants any port (a bitmap with a
/// zero bit, or `iopl(3)`) is allowed, others are not; `ioperm` and `iopl` set the caller's flag
/// as Redox's `iopl()` does. So a thread granted one port reaches every port: the declared
/// limitation. The model's "outside" base is the layout's invalid offset, one past the limit,
/// as 0xFFFF is on Redox; `mapall` stands for the PCR's map. IOPL stays 0 (MR 289 removed real
/// IOPL so that user space cannot disable interrupts): CLI and STI fault. Redox hosts no VMX
/// guest (inferred: no VMX host code in the kernel read), so a VM exit changes nothing.
public struct RedoxStrategy: InstallingStrategy {
  public typealias State = PerCPUState<PlainCPU>

  public init() {}

  public var name: String { "redox" }

  /// Where the design comes from.
  public var origin: String {
    "Redox kernel MR 289: set_userspace_io_allowed() in src/arch/x86_shared/gdt.rs, called by switch_to() in src/context/arch/x86_64.rs"
  }

  /// What it does, in one line.
  public var mechanism: String {
    "one all-zero 8 KiB map per CPU; every switch points the map base at it or outside the TSS: all ports or none"
  }

  public var limitations: [String] {
    ["a user gets every port or none: a thread granted any port reaches all of them"]
  }

  /// Only leaks to a thread whose view grants some port, on a CPU whose base points at the
  /// all-zero map, of ports that exist. Redox never refuses an entitled access and never lets
  /// CLI/STI execute.
  public func limitationExplains(_ violation: Violation, kernel: Kernel, state: State) -> Bool {
    guard violation.isLeak, let ports = violation.ports, state.cpus.indices.contains(violation.cpu) else {
      return false
    }
    let tss = state.cpus[violation.cpu].tss
    return PortView(of: violation.thread, in: kernel).grantsPorts && tss.base == tss.layout.validAll
      && ports.upperBound < kernel.portCount
  }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(PlainCPU(tss: BitmapTSS(portCount: kernel.portCount)), count: cpuCount)
  }

  /// `switch_to()`'s `set_userspace_io_allowed()`: one unconditional base store, at the map
  /// when `thread` may reach any port, outside otherwise (idle included).
  public func install(
    _ thread: ThreadID?, into record: inout PlainCPU, kernel: Kernel, counts: inout OperationCounts
  ) {
    let allowed = PortView(of: thread, in: kernel).grantsPorts
    record.tss.setBase(allowed ? record.tss.layout.validAll : record.tss.layout.invalid, counts: &counts)
  }

  /// `Context::set_userspace_io_allowed()` for the caller, current on `cpu`; an exiting
  /// thread's flag is never read again.
  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    guard context.kernel.isAlive(thread) else { return }
    install(thread, into: &context.state.cpus[cpu], kernel: context.kernel, counts: &context.counts)
  }

  /// Redox hosts no VMX guest.
  public func vmExit(on cpu: CPUID, current: ThreadID?, in context: inout Context) {}
}
