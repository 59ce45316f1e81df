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

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String { "Linux 2.6.8, arch/i386/kernel/process.c __switch_to()" }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String { "copy the whole 8 KiB map and store a valid base on every switch to a bitmap user" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(PlainCPU(tss: BitmapTSS(portCount: kernel.portCount)), count: cpuCount)
  }

  /// `__switch_to()`: the whole map and a valid base for a bitmap user; an invalid base when a
  /// bitmap user leaves for a thread without one.
  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    install(next, into: &context.state.cpus[cpu].tss, kernel: context.kernel, inPlace: false, counts: &context.counts)
  }

  /// `sys_ioperm()`, `iopl` and `exit_thread()` by the running thread: a map already in the TSS
  /// is updated in place; otherwise the whole bitmap is copied; an invalid base when nothing is
  /// granted any more.
  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    let tss = context.state.cpus[cpu].tss
    let loaded = tss.base == tss.layout.validMap
    install(thread, into: &context.state.cpus[cpu].tss, kernel: context.kernel, inPlace: loaded, counts: &context.counts)
  }

  /// What 2.6.8 leaves in the TSS for `thread`: its whole bitmap copied in with the base stored
  /// valid (every time), or, `inPlace`, the loaded map updated bit by bit (`set_bitmap()`,
  /// uncounted) with no base store; `mapall` for `iopl(3)`; an invalid base for no ports.
  private func install(
    _ thread: ThreadID?, into tss: inout BitmapTSS, kernel: Kernel, inPlace: Bool,
    counts: inout OperationCounts
  ) {
    let view = PortView(of: thread, in: kernel)
    switch view {
    case .map:
      guard let thread, let bitmap = kernel.bitmap(of: thread) else { return }
      if inPlace {
        tss.show(bitmap, range: 0..<tss.layout.bitmapBytes)
      } else {
        tss.copy(bitmap, range: 0..<bitmap.words.count * 8, counts: &counts)
      }
      tss.dirtyBytes = bitmap.maxBytes
      if !inPlace { tss.point(at: view, rewriting: .validOffset, counts: &counts) }
    case .all:
      tss.point(at: view, rewriting: .validOffset, counts: &counts)
    case .none:
      tss.setBaseIfChanged(tss.layout.invalid, counts: &counts)
    }
  }
}
