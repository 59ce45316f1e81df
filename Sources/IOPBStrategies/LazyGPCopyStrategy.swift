import IOPBCPU
import IOPBCost
import IOPBKernel

/// Lazy copy on #GP (`lazy-gp-copy`): a switch to a bitmap user only sets a second invalid base
/// offset (`INVALID_IO_BITMAP_OFFSET_LAZY`); its first port access faults, and the #GP handler
/// copies the bitmap, makes the base valid and restarts the instruction.
///
/// Sources: Davide Libenzi, "[patch] lazy TSS's I/O bitmap copy" (LKML, 2004-08-23), merged
/// for i386 as `lazy_iobitmap_copy()` in `arch/i386/kernel/traps.c` (`traps_32.c`): copy the
/// thread's `io_bitmap_max` bytes and set the rest of the previous extent to 0xFF; removed by
/// Jeremy Fitzhardinge in db949bba3c7c ("x86-32: use non-lazy io bitmap context switching").
/// Ingo Molnar's objection: the first #GP still pays the whole copy (costs.md §2).
///
/// `iopl(3)` points the base at an all-zero `mapall` (c8137ace5638) at once; there is nothing
/// to copy for it. The handler also reloads TR when a VM exit cut the limit.
public struct LazyGPCopyStrategy: InstallingStrategy {
  public typealias State = PerCPUState<PlainCPU>

  public init() {}

  public var name: String { "lazy-gp-copy" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(PlainCPU(tss: BitmapTSS(portCount: kernel.portCount)), count: cpuCount)
  }

  /// The lazy #GP handler: copy the bitmap in when the base is the lazy invalid one, reload
  /// TR when a VM exit cut the limit, and restart the instruction if either ran.
  public func generalProtection(
    on cpu: CPUID, thread: ThreadID, access: IOAccess, in context: inout Context
  ) -> Bool {
    let fixed = fixUp(&context.state.cpus[cpu].tss, for: thread, kernel: context.kernel, counts: &context.counts)
    if fixed { context.counts.generalProtectionFixups += 1 }
    return fixed
  }

  func fixUp(
    _ tss: inout BitmapTSS, for thread: ThreadID, kernel: Kernel, counts: inout OperationCounts
  ) -> Bool {
    var fixed = false
    if tss.base == tss.lazyInvalid, let bitmap = kernel.bitmap(of: thread) {
      tss.copy(bitmap, range: 0..<bitmap.maxBytes, counts: &counts)
      if tss.dirtyBytes > bitmap.maxBytes {
        tss.fill(bitmap.maxBytes..<tss.dirtyBytes, counts: &counts)
      }
      tss.dirtyBytes = bitmap.maxBytes
      tss.setBase(tss.layout.validMap, counts: &counts)
      fixed = true
    }
    if PortView(of: thread, in: kernel).grantsPorts, tss.limitInvalid {
      tss.reloadTR(counts: &counts)
      fixed = true
    }
    return fixed
  }

  /// Points the base where the next port access faults into the copy, or at nothing.
  public func install(
    _ thread: ThreadID?, into record: inout PlainCPU, kernel: Kernel, counts: inout OperationCounts
  ) {
    switch PortView(of: thread, in: kernel) {
    case .none: record.tss.setBaseIfChanged(record.tss.layout.invalid, counts: &counts)
    case .all:
      record.tss.setBaseIfChanged(record.tss.layout.validAll, counts: &counts)
      record.tss.refreshLimit(counts: &counts)
    case .map: record.tss.setBaseIfChanged(record.tss.lazyInvalid, counts: &counts)
    }
  }
}
