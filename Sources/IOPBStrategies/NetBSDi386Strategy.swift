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
/// (peers.md §5). The trailing 0xFF byte is kept inside the limit; whether NetBSD's limit covers
/// it (ports 1016–1023) is unconfirmed.
///
/// The map covers `min(1024, portCount)` ports. `iopl(3)` points the base at an all-zero map
/// of that size instead of real IOPL (`x86_iopl`), so CLI/STI keep faulting.
public struct NetBSDi386Strategy: InstallingStrategy {
  /// `NIOPORTS`: the ports the map can describe.
  public static let mapPorts = 1024

  public typealias State = PerCPUState<PlainCPU>

  public init() {}

  public var name: String { "netbsd-i386" }

  public var limitations: [String] {
    [
      "ports 1024–65535 cannot be granted: the map is 128 bytes (NIOPORTS 1024)",
      "iopl(3) reaches ports 0–1023 only, through an all-zero 128-byte map",
    ]
  }

  /// Only wrong denials of an access reaching a port the map cannot describe (≥ 1024), held by
  /// a bitmap or by `iopl(3)`. NetBSD never leaks and never lets CLI/STI execute.
  public func limitationExplains(
    _ violation: Violation, kernel: Kernel, state: State
  ) -> Bool {
    guard case .wrongDenial = violation.kind, let ports = violation.ports else { return false }
    return ports.upperBound >= Self.mapPorts
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
  }
}
