import IOPBCPU
import IOPBCost
import IOPBKernel

/// Linux up to 5.4 (`linux-4.x-eager`): switching in a thread with a bitmap copies
/// `max(prev->io_bitmap_max, next->io_bitmap_max)` bytes, switching from one to a thread without
/// sets its `io_bitmap_max` bytes to 0xFF; the base offset is always valid.
///
/// Sources: `switch_to_bitmap()` in `arch/x86/kernel/process.c` (≤ 5.4) and its i386
/// predecessor from Ingo Molnar's "ioport latency fix" (`<20040821135516.GA3872@elte.hu>`,
/// whose comment expects at most 128 bytes); `ksys_ioperm()` copying `max(old, new)` bytes into
/// the current CPU's TSS, `exit_thread()` erasing its range, and `refresh_tss_limit()` after a
/// VM exit (b7ffc44d5b2e). See linux-ioperm.md §6.1.
///
/// The model's deviations: `iopl(3)` points the base at an all-zero `mapall` (c8137ace5638)
/// instead of setting real IOPL; the previous thread's `io_bitmap_max` is what this CPU's TSS
/// holds, since the model's kernel frees a bitmap whose ports were all dropped.
public struct Linux4EagerStrategy: InstallingStrategy {
  public typealias State = PerCPUState<PlainCPU>

  public init() {}

  public var name: String { "linux-4.x-eager" }

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String { "Linux ≤ 5.4, arch/x86/kernel/process.c switch_to_bitmap() (Molnar's 2004 ioport latency fix)" }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String { "copy max(prev max, next max) bytes to a bitmap user, fill the previous max with 0xff when one leaves" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(PlainCPU(tss: BitmapTSS(portCount: kernel.portCount, baseAtMap: true)), count: cpuCount)
  }

  /// `switch_to_bitmap()` (≤ 5.4): copy `max(prev->io_bitmap_max, next->io_bitmap_max)` bytes
  /// to a thread with a bitmap, or erase the previous extent for one without. The base stays
  /// valid: at the map, or at `mapall` for `iopl(3)`. `ksys_ioperm()` and `exit_thread()` do
  /// the same to the running thread's TSS.
  public func install(
    _ thread: ThreadID?, into record: inout PlainCPU, kernel: Kernel, counts: inout OperationCounts
  ) {
    if let thread, let bitmap = kernel.bitmap(of: thread) {
      record.tss.copyOver(bitmap, counts: &counts)
    } else if record.tss.dirtyBytes > 0 {
      record.tss.fill(0..<record.tss.dirtyBytes, counts: &counts)
      record.tss.dirtyBytes = 0
    }
    let view = PortView(of: thread, in: kernel)
    record.tss.setBaseIfChanged(view == .all ? record.tss.layout.validAll : record.tss.layout.validMap, counts: &counts)
    if view.grantsPorts { record.tss.refreshLimit(counts: &counts) }
  }
}
