import IOPBCPU
import IOPBCost
import IOPBKernel

/// TSSes owned by threads rather than CPUs, and which one each CPU's task register designates:
/// the mechanism shared by the per-thread TSS of H. Peter Anvin's proposal and FreeBSD's
/// private TSS (`pcb_tssp` on amd64, `pcb_ext` on i386).
///
/// A thread's TSS holds its bitmap as the bitmap's own storage: `ioperm` by the thread writes
/// it in place, which the model mirrors without counting (it counts no design's bitmap writes
/// by `ioperm` itself). A TSS that must take over another thread's bitmap (a child after fork)
/// pays a counted copy. Each has Linux's layout, so `iopl(3)` points its base at its `mapall`.
public struct PrivateTSSTable: Sendable, Hashable {
  /// One thread's TSS.
  public struct Entry: Sendable, Hashable {
    public var tss: BitmapTSS
    /// The bitmap the map area holds (`.map`) or `.none`.
    public var holds: PortView = .none
    /// The CPU whose stack and IST fields the TSS carries; nil before its first run.
    public var preparedFor: CPUID?
  }

  /// One CPU: its own TSS, which TSS TR designates, and TR's hidden limit.
  public struct CPU: Sendable, Hashable {
    public var common: BitmapTSS
    /// The thread whose TSS is loaded; nil for the CPU's own.
    public var loaded: ThreadID?
    public var limit: Int
    /// A VM exit cut the limit to 0x67 and no LTR has run since.
    public var limitInvalid = false
    /// Whose TSS the CPU's `cpu_entry_area` slot maps (nil: the CPU's own), for a design that
    /// maps each loaded TSS there (`per-thread-tss-ltr+cea-map`).
    public var entryAreaMapping: ThreadID?
  }

  public let layout: LinuxTSSLayout
  /// How the design's kernel rewrites the descriptor before each LTR.
  public let descriptorUpdate: DescriptorUpdate
  public var cpus: PerCPU<CPU>
  public var threads = IDTable<ThreadID, Entry>()

  /// Every CPU on its own TSS, no thread with one.
  public init(cpuCount: Int, kernel: KernelConfiguration, descriptorUpdate: DescriptorUpdate) {
    layout = LinuxTSSLayout(portCount: kernel.portCount)
    self.descriptorUpdate = descriptorUpdate
    let common = BitmapTSS(layout: layout)
    cpus = PerCPU(repeating: CPU(common: common, limit: layout.limit), count: cpuCount)
  }

  /// What the CPU check reads on `cpu`: the designated TSS under TR's limit.
  public func segment(on cpu: CPUID) -> TaskStateSegment {
    var segment =
      if let loaded = cpus[cpu].loaded, threads.contains(loaded) {
        threads[existing: loaded].tss.segment
      } else {
        cpus[cpu].common.segment
      }
    segment.limit = cpus[cpu].limit
    return segment
  }

  /// Allocates `thread`'s TSS if it has none: `memset(0xff)` of the map and a copy of the
  /// 104-byte hardware part, stack pointers included, from the CPU's TSS (`amd64_set_ioperm()`).
  public mutating func allocate(_ thread: ThreadID, counts: inout OperationCounts) {
    guard !threads.contains(thread) else { return }
    var tss = BitmapTSS(layout: layout)
    tss.fill(0..<layout.bitmapBytes, counts: &counts)
    counts.copies += 1
    counts.bytesCopied += TaskStateSegment.hardwareSize
    threads[thread] = Entry(tss: tss)
  }

  /// True when `thread` runs on a TSS of its own: it may reach ports, or it could and keeps
  /// the TSS it got then.
  public func runsOnOwnTSS(_ thread: ThreadID, kernel: Kernel) -> Bool {
    PortView(of: thread, in: kernel).grantsPorts || threads.contains(thread)
  }

  /// A switch to `next`: the thread whose TSS it runs on, or nil for the CPU's own. A thread
  /// that runs on its own TSS has it allocated on first use and takes over a bitmap written
  /// elsewhere (a child's after fork) with a counted copy.
  public mutating func prepareSwitch(
    to next: ThreadID?, kernel: Kernel, counts: inout OperationCounts
  ) -> ThreadID? {
    guard let next, runsOnOwnTSS(next, kernel: kernel) else { return nil }
    allocate(next, counts: &counts)
    sync(next, kernel: kernel, inPlace: false, counts: &counts)
    return next
  }

  /// The running `thread`'s permissions changed on `cpu` (`amd64_set_ioperm()`, Anvin's
  /// `ioperm`): a thread that runs on its own TSS gets one on first use, prepared for `cpu`,
  /// and has its map written in place. True when `cpu` must then load that TSS; when it is
  /// loaded already, a thread that may reach ports only has the limit refreshed.
  public mutating func takePermissions(
    _ thread: ThreadID, on cpu: CPUID, kernel: Kernel, counts: inout OperationCounts
  ) -> Bool {
    guard runsOnOwnTSS(thread, kernel: kernel) else { return false }
    if !threads.contains(thread) {
      allocate(thread, counts: &counts)
      threads[existing: thread].preparedFor = cpu
    }
    sync(thread, kernel: kernel, inPlace: true, counts: &counts)
    if cpus[cpu].loaded != thread { return true }
    if PortView(of: thread, in: kernel).grantsPorts { refreshLimit(on: cpu, counts: &counts) }
    return false
  }

  /// Brings `thread`'s TSS in step with its permissions; `inPlace` when the thread itself just
  /// changed them (no copy counted), false when it takes over a bitmap written elsewhere.
  public mutating func sync(
    _ thread: ThreadID, kernel: Kernel, inPlace: Bool, counts: inout OperationCounts
  ) {
    guard threads.contains(thread) else { return }
    let layout = layout
    // Changed in place in the table, so that its TSS bytes are not copied on write.
    Self.sync(
      &threads[existing: thread], of: thread, kernel: kernel, inPlace: inPlace, layout: layout, counts: &counts)
  }

  private static func sync(
    _ entry: inout Entry, of thread: ThreadID, kernel: Kernel, inPlace: Bool, layout: LinuxTSSLayout,
    counts: inout OperationCounts
  ) {
    let bitmap = kernel.bitmap(of: thread)
    let holds: PortView =
      if let id = kernel[thread].ioBitmap, let bitmap { .map(id, sequence: bitmap.sequence) } else { .none }
    if holds != entry.holds {
      if let bitmap, inPlace {
        entry.tss.show(bitmap, range: 0..<max(entry.tss.dirtyBytes, bitmap.maxBytes))
        entry.tss.dirtyBytes = bitmap.maxBytes
      } else if let bitmap {
        entry.tss.copyOver(bitmap, counts: &counts)
      } else {
        let range = 0..<entry.tss.dirtyBytes
        if inPlace { entry.tss.erase(range) } else { entry.tss.fill(range, counts: &counts) }
        entry.tss.dirtyBytes = 0
      }
      entry.holds = holds
    }
    entry.tss.setBaseIfChanged(layout.offset(granting: PortView(of: thread, in: kernel)), counts: &counts)
  }

  /// Rewrites `cpu`'s GDT TSS descriptor (base, busy bit clear) as ``descriptorUpdate`` says
  /// and runs LTR on `thread`'s TSS (nil: the CPU's own).
  public mutating func load(_ thread: ThreadID?, on cpu: CPUID, counts: inout OperationCounts) {
    cpus[cpu].loaded = thread
    cpus[cpu].limit = layout.limit
    cpus[cpu].limitInvalid = false
    descriptorUpdate.countReload(into: &counts)
  }

  /// A VM exit cut TR's limit; reload at once when the current thread uses its map.
  public mutating func vmExit(on cpu: CPUID, currentUsesMap: Bool, counts: inout OperationCounts) {
    cpus[cpu].limit = TaskStateSegment.vmExitLimit
    cpus[cpu].limitInvalid = true
    if currentUsesMap { load(cpus[cpu].loaded, on: cpu, counts: &counts) }
  }

  /// LTR again if a VM exit cut the limit since the last load.
  public mutating func refreshLimit(on cpu: CPUID, counts: inout OperationCounts) {
    if cpus[cpu].limitInvalid { load(cpus[cpu].loaded, on: cpu, counts: &counts) }
  }

  /// Frees `thread`'s TSS (`cpu_thread_clean()`); a CPU still designating or mapping it falls
  /// back to its own TSS, which only an exiting thread's last moments can leave behind.
  public mutating func free(_ thread: ThreadID) {
    threads[thread] = nil
    for cpu in cpus.indices {
      if cpus[cpu].loaded == thread { cpus[cpu].loaded = nil }
      if cpus[cpu].entryAreaMapping == thread { cpus[cpu].entryAreaMapping = nil }
    }
  }

  /// I1 and I2 of every CPU's and thread's TSS, and I3 for a thread TSS whose map differs from
  /// the bitmap it claims to hold.
  public func invariantViolations(kernel: Kernel) -> [InvariantViolation] {
    invariantViolations(kernel: kernel, within: .everything)
  }

  /// The same rules for the CPUs and threads in `scope`, looking up each thread of a bounded
  /// scope instead of walking the table.
  public func invariantViolations(kernel: Kernel, within scope: InvariantScope) -> [InvariantViolation] {
    var problems = cpus.indices.filter(scope.contains).flatMap { cpu in
      cpus[cpu].common.invariantViolations(at: .cpu(cpu))
    }
    // The table's ids come in ascending order already.
    let owners = scope.threads.map { $0.filter { threads.contains($0) }.sorted() } ?? threads.keys
    for thread in owners {
      guard let entry = threads[thread] else { continue }
      problems += entry.tss.invariantViolations(at: .thread(thread))
      if case .map(let id, let sequence) = entry.holds, let bitmap = kernel.bitmaps[id],
        bitmap.sequence == sequence, !entry.tss.holds(bitmap, bytes: entry.tss.dirtyBytes)
      {
        problems.append(InvariantViolation(.bytesDiffer(from: id), at: .thread(thread)))
      }
    }
    return problems
  }
}

extension SwitchStrategy where State == PrivateTSSTable {
  /// The TSS `cpu`'s task register designates.
  public func tss(on cpu: CPUID, in state: State) -> TaskStateSegment { state.segment(on: cpu) }

  /// ``PrivateTSSTable/takePermissions(_:on:kernel:counts:)``, then LTR when needed.
  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    if context.state.takePermissions(thread, on: cpu, kernel: context.kernel, counts: &context.counts) {
      context.state.load(thread, on: cpu, counts: &context.counts)
    }
  }

  /// Reload TR at once when the current thread may reach ports, otherwise at the next need.
  public func vmExit(on cpu: CPUID, current: ThreadID?, in context: inout Context) {
    let uses = PortView(of: current, in: context.kernel).grantsPorts
    context.state.vmExit(on: cpu, currentUsesMap: uses, counts: &context.counts)
  }

  /// ``PrivateTSSTable/invariantViolations(kernel:)``: the table is the design's whole state.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    state.invariantViolations(kernel: kernel)
  }

  /// ``PrivateTSSTable/invariantViolations(kernel:within:)``.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>, within scope: InvariantScope
  ) -> [InvariantViolation] {
    state.invariantViolations(kernel: kernel, within: scope)
  }

  /// Frees the thread's TSS (``PrivateTSSTable/free(_:)``).
  public func threadExited(_ thread: ThreadID, on cpu: CPUID, in context: inout Context) {
    context.state.free(thread)
  }
}
