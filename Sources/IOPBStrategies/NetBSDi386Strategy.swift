import IOPBCPU
import IOPBCost
import IOPBKernel

/// NetBSD i386 (`netbsd-i386`): each CPU's `struct cpu_tss` holds a 128-byte map for ports
/// 0–1023 (`NIOPORTS` 1024, `IOMAPSIZE`); every switch to an LWP with a map copies all 128
/// bytes (`rep movsl`) and stores a valid base, a switch to one without stores
/// `IOMAP_INVALOFF`, and a switch to a kernel thread (here: idle) does nothing. Nothing
/// records what the TSS holds.
///
/// Sources: `cpu_switchto` (`.Lcopy_iobitmap`) in `sys/arch/i386/i386/locore.S`,
/// `x86_set_ioperm()` (copies into the current CPU's TSS at once) in
/// `sys/arch/x86/x86/sys_machdep.c`, `struct cpu_tss` in `sys/arch/x86/include/cpu.h`
/// (peers.md §5). The descriptor limit is `sizeof(struct i386tss) + IOMAPSIZE - 1`
/// (`tss_alloc()` in `sys/arch/x86/x86/gdt.c`, with `cpu_init_tss()` passing the TSS and a
/// packed `struct cpu_tss` that ends with the map): it ends at the map's last byte, so the
/// second byte the CPU reads for ports 1016–1023 lies beyond it and those ports always fault.
///
/// The map covers `min(1024, portCount)` ports; a reduced port count (a model-only machine)
/// keeps a readable all-ones long after it. `iopl(3)` points the base at an all-zero map of
/// that size instead of real IOPL (`x86_iopl`), so CLI/STI keep faulting. The kernel's
/// differences the model does not follow: a forked process or new LWP starts without a map
/// (`cpu_lwp_fork()`: `pcb_iomap = NULL`), where Linux inherits it; once an LWP has a map it is
/// copied at every switch even when all ones again, where the model's kernel frees it. NetBSD
/// i386 hosts no VMX guest, so a VM exit changes nothing.
public struct NetBSDi386Strategy: InstallingStrategy {
  /// `NIOPORTS`: the ports the map can describe.
  public static let mapPorts = 1024

  public typealias State = PerCPUState<PlainCPU>

  public init() {}

  public var name: String { "netbsd-i386" }

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String { "NetBSD i386, sys/arch/i386/i386/locore.S cpu_switchto and sys/arch/x86/x86/sys_machdep.c" }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String { "copy the 128-byte map (ports 0–1023) and store a valid base on every switch to a map user" }

  public var limitations: [String] {
    [
      "ports 1024–65535 cannot be granted: the map is 128 bytes (NIOPORTS 1024)",
      "ports 1016–1023 cannot be granted by a map either: the descriptor limit ends at the map's last byte",
      "iopl(3) reaches ports 0–1023 only, through an all-zero 128-byte map",
    ]
  }

  /// The first port a map can grant no more: the second map byte read for it lies beyond the
  /// limit, with the full 128-byte map.
  public static let firstPortPastTheLimit = mapPorts - 8

  /// Only wrong denials of an access reaching a port the map cannot describe (≥ 1024 under
  /// `iopl(3)`, ≥ 1016 under a map of all 1024 ports). NetBSD never leaks and never lets
  /// CLI/STI execute.
  public func limitationExplains(
    _ violation: Violation, kernel: Kernel, state: State
  ) -> Bool {
    guard case .wrongDenial = violation.kind, let ports = violation.ports else { return false }
    let mapCoversAll = kernel.portCount >= Self.mapPorts
    let reach =
      PortView(of: violation.thread, in: kernel) == .all || !mapCoversAll
      ? Self.mapPorts : Self.firstPortPastTheLimit
    return ports.upperBound >= reach
  }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(PlainCPU(tss: BitmapTSS(portCount: min(Self.mapPorts, kernel.portCount))), count: cpuCount)
  }

  /// `.Lcopy_iobitmap`: all 128 bytes and a valid base for an LWP with a map, `IOMAP_INVALOFF`
  /// for one without; a switch to a kernel thread (here: idle) leaves the TSS as it is.
  public func install(
    _ thread: ThreadID?, into record: inout PlainCPU, kernel: Kernel, counts: inout OperationCounts
  ) {
    guard let thread else { return }
    let view = PortView(of: thread, in: kernel)
    if case .map = view, let bitmap = kernel.bitmap(of: thread) {
      record.tss.copy(bitmap, range: 0..<record.tss.layout.bitmapBytes, counts: &counts)
      record.tss.dirtyBytes = min(bitmap.maxBytes, record.tss.layout.bitmapBytes)
    }
    record.tss.point(at: view, rewriting: .always, counts: &counts)
    let layout = record.tss.layout
    let full = layout.bitmapBytes * 8 == Self.mapPorts
    record.tss.segment.limit = full && view != .all ? layout.validMap + layout.bitmapBytes - 1 : layout.limit
  }

  /// `x86_set_ioperm()` copies into the current CPU's TSS; exit touches no TSS.
  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    guard context.kernel.isAlive(thread) else { return }
    install(thread, into: &context.state.cpus[cpu], kernel: context.kernel, counts: &context.counts)
  }

  /// NetBSD i386 cannot host a VMX guest (NVMM is amd64-only, inferred): nothing to reload.
  public func vmExit(on cpu: CPUID, current: ThreadID?, in context: inout Context) {}
}
