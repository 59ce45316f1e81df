import IOPBCPU
import IOPBKernel

/// Linux 2.6.8 (`linux-2.6.8-full`): the whole bitmap (`IO_BITMAP_BYTES`, 8 KiB for 65536
/// ports) is copied into the TSS on every switch to a task with a bitmap, and the whole of it
/// set to 0xFF again on a switch from one to a task without; the base offset always points at
/// the map (`IO_BITMAP_OFFSET`, installed by `cpu_init()`).
///
/// Sources: `__switch_to()` in 2.6.8 `arch/i386/kernel/process.c`, as measured by Ingo Molnar's
/// `ioperm-latency.c` (`<20040821135516.GA3872@elte.hu>`: 10563 instead of 2528 cycles per
/// yield round trip with port 0x80);
/// the full-range `ioperm(2)` arrived in 2.6.8 (man page HISTORY). The running task's `ioperm`
/// and exit update the TSS at once, as `sys_ioperm()` and `exit_thread()` did.
///
/// The model's deviations: `iopl(3)` is emulated by pointing the base at an all-zero `mapall`
/// (c8137ace5638) instead of real IOPL, so CLI/STI keep faulting; whether the outgoing task
/// had a bitmap is read from what this CPU's TSS holds, since the model's kernel frees a
/// bitmap whose ports were all dropped (ea5f1cd7ab49) where 2.6.8 kept it.
public struct Linux268FullCopyStrategy: SwitchStrategy {
  public typealias State = PerCPUState<BitmapTSS>

  public init() {}

  public var name: String { "linux-2.6.8-full" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(BitmapTSS(portCount: kernel.portCount, baseAtMap: true), count: cpuCount)
  }

  public func contextSwitch(
    on cpu: Int, from previous: ThreadID?, to next: ThreadID?, kernel: Kernel,
    state: inout State, counts: inout OperationCounts
  ) {
    install(next, on: cpu, kernel: kernel, state: &state, counts: &counts)
  }

  public func permissionsChanged(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    install(thread, on: cpu, kernel: kernel, state: &state, counts: &counts)
  }

  /// Makes `cpu`'s TSS grant what `thread` may reach: copy all of a bitmap, or erase all of
  /// the previous one.
  func install(
    _ thread: ThreadID?, on cpu: Int, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    var tss = state.cpus[cpu]
    let whole = 0..<tss.layout.bitmapBytes
    if let thread, let bitmap = kernel.bitmap(of: thread) {
      tss.copy(bitmap, range: whole, counts: &counts)
      tss.dirtyBytes = bitmap.maxBytes
    } else if tss.dirtyBytes > 0 {
      tss.fill(whole, counts: &counts)
      tss.dirtyBytes = 0
    }
    let view = PortView(of: thread, in: kernel)
    tss.setBaseIfChanged(view == .all ? tss.layout.validAll : tss.layout.validMap, counts: &counts)
    if view.grantsPorts { tss.refreshLimit(counts: &counts) }
    state.cpus[cpu] = tss
  }
}
