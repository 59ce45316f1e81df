import IOPBCPU
import IOPBCost
import IOPBKernel

/// Remapping instead of copying (`remap-invlpg`): every bitmap lives in its own page-aligned
/// pages, and each CPU's TSS bitmap window in `cpu_entry_area` is mapped onto the pages of
/// whichever bitmap the running thread needs. A switch to a thread whose bitmap is not the mapped
/// one rewrites the window's PTEs and INVLPGs each page; a thread without a bitmap only gets an
/// invalid base offset and keeps the mapping. The first read of each flushed page by a later
/// port access is a TLB miss.
///
/// Source: Brian Gerst in the thread on V1 5/9 (`<CAMzpN2juuUyLuQ-tiV7hKZvG4agsHKP=rRAt_V4sZhpZW7
/// cv9g@…>` and `<CAMzpN2gt4qM41=96GpNHL-kbgBsjD-zphq+5oK0BXqoCFN4F4Q@…>`, 2019-11-07: flush
/// only when switching from a bitmap user, unmap for non-users, track which bitmap is mapped);
/// Linus Torvalds replied that even a single-page flush probably costs more than the copy
/// (`<CAHk-=wjocTzo+8OMwyKPX0MCVV=N4wtU8ifwSZ_qJJnDBgKJ8Q@…>`). Never merged.
///
/// The model keeps Linux's TSS offsets, and the CPU check reads the map through the window: the
/// bytes of the bitmap the window maps (``CPUState/window``, the bitmap's words, shared with the
/// kernel's until either is written), not a copy in the TSS. A write by `ioperm` to a mapped
/// bitmap shows through at no cost. ``tss(on:in:)``, the invariants and the canonical form use
/// the TSS as the CPU sees it (``CPUState/rendered``). A freed bitmap still mapped on some CPU
/// is replaced by the all-ones page there (on a remote CPU that is a TLB shootdown, counted as
/// its INVLPGs). `iopl(3)` points the base
/// at the static all-zero `mapall` (c8137ace5638), which is never remapped.
public struct RemapInvlpgStrategy: InstallingStrategy {
  /// Bytes per page.
  public static let pageSize = 4096

  public struct CPUState: CPURecord {
    /// The TSS but for its map window, whose bytes stay all ones: the CPU reads the window
    /// through ``window``.
    public var tss: BitmapTSS
    /// The bitmap whose pages the window maps; nil for the boot-time all-ones pages.
    public var mapped: BitmapID?
    /// What the window's pages hold: the mapped bitmap's words as it was last shown (nil: the
    /// all-ones pages).
    public var window: [UInt64]?
    /// Window pages invalidated since the last access that walked them: bit `p` for page `p`
    /// (an 8 KiB map spans two pages).
    public var flushedPages: UInt64 = 0
  }

  public typealias State = PerCPUState<CPUState>

  /// The TSS as the CPU reads it on `cpu`: the map window showing the mapped pages.
  public func tss(on cpu: CPUID, in state: State) -> TaskStateSegment { state.cpus[cpu].rendered.segment }

  /// ``tss(on:in:)``'s check without building it: map bytes come from the window's pages.
  public func decide(_ access: IOAccess, on cpu: CPUID, in state: State, iopl: PrivilegeLevel) -> IOPermissionDecision {
    let segment = state.cpus[cpu].tss.segment
    guard let words = state.cpus[cpu].window else { return IOPermissionCheck.decide(access, tss: segment, iopl: iopl) }
    let map = state.cpus[cpu].tss.layout.validMap
    let mapBytes = state.cpus[cpu].tss.layout.bitmapBytes
    return IOPermissionCheck.decide(
      access, size: segment.bytes.count, base: Int(segment.ioMapBase), limit: segment.limit, iopl: iopl
    ) { offset in
      (map..<map + mapBytes).contains(offset) ? BitmapTSS.byte(offset - map, of: words) : segment.bytes[offset]
    }
  }

  public init() {}

  public var name: String { "remap-invlpg" }

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String { "2019 thread: Gerst, reply to [patch 5/9] (remap the bitmap pages instead of copying)" }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String { "remap the map window's PTEs and INVLPG them when another bitmap is needed; TLB misses after" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(CPUState(tss: BitmapTSS(portCount: kernel.portCount)), count: cpuCount)
  }

  /// Pages the window spans: one PTE and one INVLPG each per remap.
  public func windowPages(_ layout: LinuxTSSLayout) -> Int {
    max(1, (layout.bitmapBytes + Self.pageSize - 1) / Self.pageSize)
  }

  /// Shows the changed bitmap through every window that maps it, then installs the thread.
  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    if let id = context.kernel[thread].ioBitmap, let bitmap = context.kernel.bitmaps[id] {
      for index in context.state.cpus.indices where context.state.cpus[index].mapped == id {
        materialize(bitmap, in: &context.state.cpus[index])
      }
    }
    install(thread, into: &context.state.cpus[cpu], kernel: context.kernel, counts: &context.counts)
  }

  /// A port access through a flushed window page walks the page tables once: a TLB miss.
  public func portAccessed(on cpu: CPUID, thread: ThreadID, access: IOAccess, in context: inout Context) {
    let tss = context.state.cpus[cpu].tss
    guard tss.base == tss.layout.validMap, !tss.limitInvalid else { return }
    guard context.state.cpus[cpu].flushedPages != 0 else { return }
    let first = Int(access.port) / 8
    let pages = first / Self.pageSize...(first + 1) / Self.pageSize
    for page in pages where page < 64 && context.state.cpus[cpu].flushedPages & (1 << UInt64(page)) != 0 {
      context.state.cpus[cpu].flushedPages &= ~(1 << UInt64(page))
      context.counts.tlbMisses += 1
    }
  }

  /// A freed bitmap still mapped on a CPU is replaced there by the all-ones pages.
  public func bitmapsFreed(_ bitmaps: [BitmapID], on cpu: CPUID, in context: inout Context) {
    for index in context.state.cpus.indices {
      guard let mapped = context.state.cpus[index].mapped, bitmaps.contains(mapped) else { continue }
      remap(nil, kernel: context.kernel, in: &context.state.cpus[index], counts: &context.counts)
    }
  }

  public func install(
    _ thread: ThreadID?, into cpuState: inout CPUState, kernel: Kernel, counts: inout OperationCounts
  ) {
    let view = PortView(of: thread, in: kernel)
    if case .map(let id, _) = view {
      counts.sequenceCompares += 1
      if cpuState.mapped != id { remap(id, kernel: kernel, in: &cpuState, counts: &counts) }
    }
    cpuState.tss.point(at: view, counts: &counts)
  }

  /// Points the window's PTEs at `id`'s pages (nil: the all-ones pages) and flushes them.
  func remap(
    _ id: BitmapID?, kernel: Kernel, in cpuState: inout CPUState, counts: inout OperationCounts
  ) {
    let pages = windowPages(cpuState.tss.layout)
    counts.pageTableWrites += pages
    counts.pageInvalidations += pages
    cpuState.flushedPages = pages >= 64 ? ~0 : (1 << UInt64(pages)) - 1
    cpuState.mapped = id
    if let id, let bitmap = kernel.bitmaps[id] {
      materialize(bitmap, in: &cpuState)
    } else {
      cpuState.window = nil
      cpuState.tss.dirtyBytes = 0
    }
  }

  /// Shows `bitmap`'s pages through the window: what the CPU reads once they are mapped.
  func materialize(_ bitmap: IOBitmap, in cpuState: inout CPUState) {
    cpuState.window = bitmap.words
    cpuState.tss.dirtyBytes = bitmap.maxBytes
  }

  /// I1 and I2 of every window, and I3 for the mapped bitmap, which must still be alive.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    invariantViolations(in: state, kernel: kernel, currents: currents, within: .everything)
  }

  /// The same rules at the CPUs in `scope`.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>, within scope: InvariantScope
  ) -> [InvariantViolation] {
    var rendered = state
    for cpu in rendered.cpus.indices where scope.contains(cpu) { rendered.cpus[cpu].tss = state.cpus[cpu].rendered }
    return rendered.layoutViolations(within: scope) { record in
      guard let id = record.mapped else { return nil }
      guard let bitmap = kernel.bitmaps[id] else { return .mapsFreedBitmap(id) }
      return record.tss.holds(bitmap, bytes: record.tss.layout.bitmapBytes) ? nil : .bytesDiffer(from: id)
    }
  }
}

extension RemapInvlpgStrategy.CPUState {
  /// The TSS as the CPU reads it: ``tss`` with the window's pages (``window``) in its map.
  public var rendered: BitmapTSS {
    guard let window else { return tss }
    var tss = tss
    tss.show(words: window, range: 0..<tss.layout.bitmapBytes)
    return tss
  }
}
