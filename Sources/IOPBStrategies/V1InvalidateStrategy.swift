import IOPBCPU
import IOPBCost
import IOPBKernel

/// Thomas Gleixner's V1 4/9 (`v1-invalidate`): switching out of a bitmap user to a thread without
/// one only makes the base offset invalid; every switch to a bitmap user copies
/// `max(prev_max, next max)` bytes, where `prev_max` is the dirty size the last user left.
///
/// Source: "[patch 4/9] x86/io: Speedup schedule out of I/O bitmap user" (series
/// `<20191106193459.581614484@linutronix.de>`, 2019-11-06), later commit ecc7e37d4dad;
/// `switch_to_bitmap()` as that patch left it (linux-ioperm.md §6.2). Nothing remembers whose
/// bitmap the TSS holds: the sequence number came only in V2.
///
/// `iopl(3)` points the base at the all-zero `mapall` of V1 7/9 ("x86/iopl: Restrict iopl()
/// permission scope", c8137ace5638).
public struct V1InvalidateStrategy: InstallingStrategy {
  public typealias State = PerCPUState<PlainCPU>

  public init() {}

  public var name: String { "v1-invalidate" }

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String { "2019 thread: Gleixner, [patch 4/9] x86/io: Speedup schedule out of I/O bitmap user" }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String { "invalidate when a bitmap user leaves; copy max(prev_max, max) on every switch to one" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(PlainCPU(tss: BitmapTSS(portCount: kernel.portCount)), count: cpuCount)
  }

  public func install(
    _ thread: ThreadID?, into record: inout PlainCPU, kernel: Kernel, counts: inout OperationCounts
  ) {
    let view = PortView(of: thread, in: kernel)
    if case .map = view, let thread, let bitmap = kernel.bitmap(of: thread) {
      record.tss.copyOver(bitmap, counts: &counts)
    }
    record.tss.point(at: view, rewriting: .validOffset, counts: &counts)
  }
}
