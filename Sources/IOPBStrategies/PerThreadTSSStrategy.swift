import IOPBCPU
import IOPBCost
import IOPBKernel

/// A pre-formatted TSS per thread (`per-thread-tss-ltr`): a thread with I/O permissions owns a
/// whole TSS holding its bitmap; a switch copies the 88 bytes of stack fields (RSP0–2,
/// IST1–7) into it only when the thread last ran on another CPU, then, when the TSS to run on
/// differs from the one loaded, rewrites the GDT descriptor (busy bit clear) and loads TR.
/// Threads without permissions share the CPU's own TSS, so a switch between two of them loads
/// nothing.
///
/// Source: H. Peter Anvin, 2019-11-07 (`<6cac6943-2f6c-d48a-658e-08b3bf87921a@zytor.com>`), who
/// proposed refreshing the 88 bytes of TSS fields only after a migration and then switching
/// TSS, and doubted himself that this beats copying 8 KiB. Brian Gerst's objection (`<CAMzpN2hCrcQg_u5sp7WWGjOBv13+ZWtSAecp6bWpT6rsTyo+-Q@…>`):
/// under KPTI the TSS must sit at a fixed `cpu_entry_area` address visible from user mode, so
/// the design is ``kptiCompatible`` false. Never merged.
///
/// Threads without permissions run on the CPU's own TSS (invalid base). Loading TR only when
/// the TSS changes is a reading of Anvin's "then switch the TSS … For the common case (no
/// ioperms) we use the standard per-cpu TSS", the only one a kernel would implement (LTR of
/// the loaded TSS changes nothing); after a VM exit cut the limit, a thread that may reach
/// ports reloads it (`refresh_tss_limit()`, as every design here). The 88 bytes are counted as
/// copied bytes. A child that inherits a bitmap pays a copy into its own TSS.
///
/// With ``mapsIntoEntryArea`` (`per-thread-tss-ltr+cea-map`, not in the catalog) the design pays
/// to satisfy KPTI: whenever a CPU loads another thread's TSS it first maps it at its fixed
/// `cpu_entry_area` slot, rewriting and INVLPG-ing the PTE of each page of the TSS without the
/// model's `mapall` (3 pages for 65536 ports).
public struct PerThreadTSSStrategy: SwitchStrategy {
  /// Bytes of stack pointers a migrated thread's TSS needs from its new CPU.
  public static let stackFieldBytes = 88

  public typealias State = PrivateTSSTable

  /// True to map each loaded TSS into `cpu_entry_area`, which makes the design KPTI-compatible.
  public var mapsIntoEntryArea: Bool

  public init(mapsIntoEntryArea: Bool = false) { self.mapsIntoEntryArea = mapsIntoEntryArea }

  public var name: String { mapsIntoEntryArea ? "per-thread-tss-ltr+cea-map" : "per-thread-tss-ltr" }

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String { "2019 thread: Anvin, 2019-11-07 (a pre-formatted TSS per thread, switched with LTR)" }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String {
    mapsIntoEntryArea
      ? "own TSS per holder, mapped into cpu_entry_area (PTE writes, INVLPG); descriptor + LTR on change"
      : "own TSS per permission holder; 88 stack bytes after migration; descriptor + LTR when it changes"
  }

  /// A Linux design: each load rewrites the descriptor through `force_reload_TR()`'s path, with its two LGDTs (inferred; the mail gives no mechanics).
  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    PrivateTSSTable(cpuCount: cpuCount, kernel: kernel, descriptorUpdate: .readOnlyGDT)
  }

  public var kptiCompatible: Bool { mapsIntoEntryArea }

  /// PTEs one TSS spans in `cpu_entry_area`: the hardware part and the bitmap with its tail.
  public func entryAreaPages(_ layout: LinuxTSSLayout) -> Int {
    (layout.validAll + 4095) / 4096
  }

  /// Maps `thread`'s TSS (nil: the CPU's own) into `cpu`'s slot if needed, then loads TR.
  func load(_ thread: ThreadID?, on cpu: CPUID, table: inout PrivateTSSTable, counts: inout OperationCounts) {
    if mapsIntoEntryArea, table.cpus[cpu].entryAreaMapping != thread {
      let pages = entryAreaPages(table.layout)
      counts.pageTableWrites += pages
      counts.pageInvalidations += pages
      table.cpus[cpu].entryAreaMapping = thread
    }
    table.load(thread, on: cpu, counts: &counts)
  }

  /// Anvin's switch: a thread with permissions runs on its own TSS, refreshed with the 88 bytes
  /// of stack fields after a migration; TR is loaded only when the TSS to run on changes.
  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    let target = context.state.prepareSwitch(to: next, kernel: context.kernel, counts: &context.counts)
    // prepareSwitch(to:kernel:counts:) returns only a thread it gave a TSS.
    if let target, context.state.threads[existing: target].preparedFor != cpu {
      context.counts.copies += 1
      context.counts.bytesCopied += Self.stackFieldBytes
      context.state.threads[existing: target].preparedFor = cpu
    }
    if context.state.cpus[cpu].loaded != target {
      load(target, on: cpu, table: &context.state, counts: &context.counts)
    } else if target != nil {
      context.state.refreshLimit(on: cpu, counts: &context.counts)
    }
  }

  /// As every private-TSS design, but loading through ``load(_:on:table:counts:)``.
  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    if context.state.takePermissions(thread, on: cpu, kernel: context.kernel, counts: &context.counts) {
      load(thread, on: cpu, table: &context.state, counts: &context.counts)
    }
  }
}
