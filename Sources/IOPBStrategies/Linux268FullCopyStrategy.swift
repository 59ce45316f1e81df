import IOPBCPU
import IOPBCost
import IOPBKernel

/// Linux 2.6.8 (`linux-2.6.8-full`): the whole bitmap (`IO_BITMAP_BYTES`, 8 KiB for 65536
/// ports) is copied into the TSS on every switch to a thread with a bitmap, and the whole of it
/// set to 0xFF again on a switch from one to a thread without; the base offset always points at
/// the map (`IO_BITMAP_OFFSET`, installed by `cpu_init()`).
///
/// Sources: `__switch_to()` in 2.6.8 `arch/i386/kernel/process.c`, as measured by Ingo Molnar's
/// `ioperm-latency.c` (`<20040821135516.GA3872@elte.hu>`: 10563 instead of 2528 cycles per
/// yield round trip with port 0x80);
/// the full-range `ioperm(2)` arrived in 2.6.8 (man page HISTORY). The running thread's `ioperm`
/// and exit update the TSS at once, as `sys_ioperm()` and `exit_thread()` did.
///
/// The model's deviations: `iopl(3)` is emulated by pointing the base at an all-zero `mapall`
/// (c8137ace5638) instead of real IOPL, so CLI/STI keep faulting; whether the outgoing thread
/// had a bitmap is read from what this CPU's TSS holds, since the model's kernel frees a
/// bitmap whose ports were all dropped (ea5f1cd7ab49) where 2.6.8 kept it.
public struct Linux268FullCopyStrategy: InstallingStrategy {
  public typealias State = PerCPUState<PlainCPU>

  public init() {}

  public var name: String { "linux-2.6.8-full" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(PlainCPU(tss: BitmapTSS(portCount: kernel.portCount, baseAtMap: true)), count: cpuCount)
  }

  /// Copies the whole map or erases all of it:
  /// ``BitmapTSS/copyEagerly(_:kernel:wholeMap:counts:)``.
  public func install(
    _ thread: ThreadID?, into record: inout PlainCPU, kernel: Kernel, counts: inout OperationCounts
  ) {
    record.tss.copyEagerly(thread, kernel: kernel, wholeMap: true, counts: &counts)
  }
}
