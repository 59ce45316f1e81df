import IOPBCPU
import IOPBCost
import IOPBKernel

/// Linux 2.6.8 (`linux-2.6.8-full`): the whole bitmap (`IO_BITMAP_BYTES`, 8 KiB for 65536
/// ports) is copied into the TSS on every switch to a thread with a bitmap, with the base
/// stored valid; a switch from one to a thread without only stores `INVALID_IO_BITMAP_OFFSET`,
/// leaving the bits. Boot leaves the base invalid and the map all ones (`INIT_TSS`).
///
/// Sources, vanilla 2.6.8 `arch/i386/kernel/process.c` `__switch_to()`: `if (prev->io_bitmap_ptr
/// || next->io_bitmap_ptr)`, then `memcpy(tss->io_bitmap, next->io_bitmap_ptr,
/// IO_BITMAP_BYTES)` and `io_bitmap_base = IO_BITMAP_OFFSET`, or `io_bitmap_base =
/// INVALID_IO_BITMAP_OFFSET`; `sys_ioperm()` in `arch/i386/kernel/ioport.c` (`set_bitmap()` on
/// the TSS in place when its base is valid, else the whole copy and a valid base);
/// `exit_thread()` (base invalid). As measured by Ingo Molnar's `ioperm-latency.c`
/// (`<20040821135516.GA3872@elte.hu>`: 10563 instead of 2528 cycles per yield round trip with
/// port 0x80, both threads holding bitmaps). The fill on switch-out and the always-valid base
/// came with Molnar's later "ioport latency fix", which `linux-4.x-eager` models.
///
/// The model's deviations: `iopl(3)` is emulated by pointing the base at an all-zero `mapall`
/// (c8137ace5638) instead of real IOPL, so CLI/STI keep faulting; whether the outgoing thread
/// had a bitmap is read from the base (valid only while a bitmap user ran), since the model's
/// kernel frees a bitmap whose ports were all dropped (ea5f1cd7ab49) where 2.6.8 kept it; the
/// in-place `set_bitmap()` of `sys_ioperm()` is not counted, as no design's `ioperm` bit
/// writes are; the 8 KiB copy of `copy_thread()` at fork is not counted.
public struct Linux268FullCopyStrategy: SwitchStrategy {
  public typealias State = PerCPUState<PlainCPU>

  public init() {}

  public var name: String { "linux-2.6.8-full" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(PlainCPU(tss: BitmapTSS(portCount: kernel.portCount)), count: cpuCount)
  }

  /// `__switch_to()`: the whole map and a valid base for a bitmap user; an invalid base when a
  /// bitmap user leaves for a thread without one.
  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    let kernel = context.kernel
    let view = PortView(of: next, in: kernel)
    switch view {
    case .map:
      guard let next, let bitmap = kernel.bitmap(of: next) else { return }
      context.state.cpus[cpu].tss.copy(bitmap, range: 0..<bitmap.words.count * 8, counts: &context.counts)
      context.state.cpus[cpu].tss.dirtyBytes = bitmap.maxBytes
      point(&context.state.cpus[cpu].tss, at: view, counts: &context.counts)
    case .all:
      point(&context.state.cpus[cpu].tss, at: view, counts: &context.counts)
    case .none:
      let tss = context.state.cpus[cpu].tss
      if tss.base != tss.layout.invalid {
        context.state.cpus[cpu].tss.setBase(tss.layout.invalid, counts: &context.counts)
      }
    }
  }

  /// `sys_ioperm()`, `iopl` and `exit_thread()` by the running thread: a map already in the TSS
  /// is updated in place; otherwise the whole bitmap is copied; an invalid base when nothing is
  /// granted any more.
  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    let kernel = context.kernel
    let view = PortView(of: thread, in: kernel)
    switch view {
    case .map:
      guard let bitmap = kernel.bitmap(of: thread) else { return }
      let layout = context.state.cpus[cpu].tss.layout
      if context.state.cpus[cpu].tss.base == layout.validMap {
        context.state.cpus[cpu].tss.show(bitmap, range: 0..<layout.bitmapBytes)
        context.state.cpus[cpu].tss.dirtyBytes = bitmap.maxBytes
      } else {
        context.state.cpus[cpu].tss.copy(bitmap, range: 0..<bitmap.words.count * 8, counts: &context.counts)
        context.state.cpus[cpu].tss.dirtyBytes = bitmap.maxBytes
        point(&context.state.cpus[cpu].tss, at: view, counts: &context.counts)
      }
    case .all:
      point(&context.state.cpus[cpu].tss, at: view, counts: &context.counts)
    case .none:
      let invalid = context.state.cpus[cpu].tss.layout.invalid
      context.state.cpus[cpu].tss.setBaseIfChanged(invalid, counts: &context.counts)
    }
  }

  /// Stores the base for `view` every time (2.6.8 stores `IO_BITMAP_OFFSET` on every switch to
  /// a bitmap user; the model's `mapall` alike), then `refresh_tss_limit()`.
  private func point(_ tss: inout BitmapTSS, at view: PortView, counts: inout OperationCounts) {
    tss.point(at: view, rewriting: .validOffset, counts: &counts)
  }
}
