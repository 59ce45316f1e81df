import IOPBCPU
import IOPBCost
import IOPBKernel

/// Ingo Molnar's "ioport-cache" of the 2.6.9 release candidates (`linux-2.6.9-owner-cache`;
/// commit dd826030, replaced by the lazy design before 2.6.9 was released, whose owner check
/// stayed dead code until 2005, see `lazy-gp-copy`): each CPU remembers whose bitmap its
/// TSS holds; a switch to a thread without one only makes the base offset invalid, and a switch
/// to a bitmap user copies only when the TSS holds another bitmap, or an older version of it.
///
/// Sources: Ingo Molnar, "[patch] ioport-cache" (`<20040824071928.GA7697@elte.hu>`, commit
/// dd826030 "x86 TSS: io port caching": 2478 / 2499 / 2481 cycles, no overhead measurable for
/// one user); `handle_io_bitmap()` with `tss->io_bitmap_owner` and `INVALID_IO_BITMAP_OFFSET`
/// in 2.6.9 `arch/i386/kernel/process.c` (linux-ioperm.md §6.1). The owner copy is eager here;
/// 2.6.9 also deferred it to the first #GP, which `lazy-gp-copy` models.
///
/// The owner is the bitmap's allocation and `io_bitmap_sequence` rather than a task pointer,
/// as Linus Torvalds proposed in 2019 (`<CAHk-=wjXcS--G3Wd8ZGEOdCNRAWPaUneyN1ryShQL-_yi1kvOA@
/// mail.gmail.com>`), so threads that share a bitmap after fork hit the cache and a freed
/// bitmap can never match. `iopl(3)` points the base at an all-zero `mapall` (c8137ace5638).
public struct Linux269OwnerCacheStrategy: InstallingStrategy {
  public struct CPUState: CPURecord {
    public var tss: BitmapTSS
    /// The bitmap and version the TSS holds (`tss->io_bitmap_owner`).
    public var owner: PortView = .none
  }

  public typealias State = PerCPUState<CPUState>

  public init() {}

  public var name: String { "linux-2.6.9-owner-cache" }

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String { "Linux 2.6.9-rc, arch/i386/kernel/process.c handle_io_bitmap() (Molnar, [patch] ioport-cache, dd826030)" }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String { "invalid base for non-users; copy only when the cached owner (bitmap and sequence) differs" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(CPUState(tss: BitmapTSS(portCount: kernel.portCount)), count: cpuCount)
  }

  public func install(
    _ thread: ThreadID?, into cpuState: inout CPUState, kernel: Kernel, counts: inout OperationCounts
  ) {
    let view = PortView(of: thread, in: kernel)
    if case .map = view {
      counts.sequenceCompares += 1
      if cpuState.owner != view, let thread, let bitmap = kernel.bitmap(of: thread) {
        cpuState.tss.copyOver(bitmap, counts: &counts)
        cpuState.owner = view
      }
    }
    cpuState.tss.point(at: view, counts: &counts)
  }

  /// I1 and I2 of every TSS, and I3 for the cached owner: while its bitmap is alive and
  /// unchanged, the TSS holds its bytes.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    invariantViolations(in: state, kernel: kernel, currents: currents, within: .everything)
  }

  /// The same rules at the CPUs in `scope`.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>, within scope: InvariantScope
  ) -> [InvariantViolation] {
    state.layoutViolations(within: scope) { record in
      guard case .map(let id, let sequence) = record.owner, let bitmap = kernel.bitmaps[id],
        bitmap.sequence == sequence, !record.tss.holds(bitmap, bytes: record.tss.dirtyBytes)
      else { return nil }
      return .bytesDiffer(from: id)
    }
  }
}
