import IOPBCPU
import IOPBCost
import IOPBKernel

/// A pre-formatted TSS per thread (`per-thread-tss-ltr`): a thread with I/O permissions owns a
/// whole TSS holding its bitmap; a switch copies the 88 bytes of stack fields (RSP0–2,
/// IST1–7) into it only when the thread last ran on another CPU, then clears the GDT busy bit
/// and loads TR, on every switch.
///
/// Source: H. Peter Anvin, 2019-11-07 (`<6cac6943-2f6c-d48a-658e-08b3bf87921a@zytor.com>`), who
/// proposed refreshing the 88 bytes of TSS fields only after a migration and then switching
/// TSS, and doubted himself that this beats copying 8 KiB. Brian Gerst's objection (`<CAMzpN2hCrcQg_u5sp7WWGjOBv13+ZWtSAecp6bWpT6rsTyo+-Q@…>`):
/// under KPTI the TSS must sit at a fixed `cpu_entry_area` address visible from user mode, so
/// the design is ``kptiCompatible`` false. Never merged.
///
/// Threads without permissions run on the CPU's own TSS (invalid base). The 88 bytes are
/// counted as copied bytes. A child that inherits a bitmap pays a copy into its own TSS.
///
/// With ``mapsIntoEntryArea`` (`per-thread-tss-ltr+cea-map`, not in the catalog) the design pays
/// to satisfy KPTI: whenever a CPU loads another thread's TSS it first maps it at its fixed
/// `cpu_entry_area` slot, rewriting and INVLPG-ing the PTE of each page of the TSS without the
/// model's `mapall` (3 pages for 65536 ports).
public struct PerThreadTSSStrategy: SwitchStrategy {
  /// Bytes of stack pointers a migrated thread's TSS needs from its new CPU.
  public static let stackFieldBytes = 88

  public struct State: PrivateTSSState {
    public var table: PrivateTSSTable
    /// Whose TSS each CPU's `cpu_entry_area` slot maps (nil: the CPU's own), with
    /// ``mapsIntoEntryArea``.
    public var entryAreaMaps: [ThreadID?]
  }

  /// True to map each loaded TSS into `cpu_entry_area`, which makes the design KPTI-compatible.
  public var mapsIntoEntryArea: Bool

  public init(mapsIntoEntryArea: Bool = false) { self.mapsIntoEntryArea = mapsIntoEntryArea }

  public var name: String { mapsIntoEntryArea ? "per-thread-tss-ltr+cea-map" : "per-thread-tss-ltr" }

  public var kptiCompatible: Bool { mapsIntoEntryArea }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(table: PrivateTSSTable(cpuCount: cpuCount, kernel: kernel), entryAreaMaps: Array(repeating: nil, count: cpuCount))
  }

  /// PTEs one TSS spans in `cpu_entry_area`: the hardware part and the bitmap with its tail.
  public func entryAreaPages(_ layout: LinuxTSSLayout) -> Int {
    (layout.validAll + 4095) / 4096
  }

  /// Maps `thread`'s TSS (nil: the CPU's own) into `cpu`'s slot if needed, then loads TR.
  func load(_ thread: ThreadID?, on cpu: Int, state: inout State, counts: inout OperationCounts) {
    if mapsIntoEntryArea, state.entryAreaMaps[cpu] != thread {
      let pages = entryAreaPages(state.table.layout)
      counts.pageTableWrites += pages
      counts.pageInvalidations += pages
      state.entryAreaMaps[cpu] = thread
    }
    state.table.load(thread, on: cpu, counts: &counts)
  }

  public func contextSwitch(
    on cpu: Int, from previous: ThreadID?, to next: ThreadID?, kernel: Kernel,
    state: inout State, counts: inout OperationCounts
  ) {
    var target: ThreadID?
    if let next, state.table.runsOnOwnTSS(next, kernel: kernel) {
      state.table.prepare(next, kernel: kernel, counts: &counts)
      if state.table.threads[next]?.preparedFor != cpu {
        counts.copies += 1
        counts.bytesCopied += Self.stackFieldBytes
        state.table.threads[next]?.preparedFor = cpu
      }
      target = next
    }
    load(target, on: cpu, state: &state, counts: &counts)
  }

  /// As every private-TSS design, but loading through ``load(_:on:state:counts:)``.
  public func permissionsChanged(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    if state.table.takePermissions(thread, on: cpu, kernel: kernel, counts: &counts) {
      load(thread, on: cpu, state: &state, counts: &counts)
    }
  }

  public func threadExited(
    _ thread: ThreadID, on cpu: Int, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    state.table.free(thread)
    for cpu in state.entryAreaMaps.indices where state.entryAreaMaps[cpu] == thread {
      state.entryAreaMaps[cpu] = nil
    }
  }
}
