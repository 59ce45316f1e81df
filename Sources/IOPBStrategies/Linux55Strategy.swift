import IOPBCPU
import IOPBCost
import IOPBKernel

/// Linux 5.5 and later (`linux-5.5`): invalidate on switch-out, copy on exit to user only when
/// the CPU's `prev_sequence` says the TSS holds another bitmap.
///
/// Sources: `__switch_to_xtra()`/`switch_to_bitmap()` and `native_tss_update_io_bitmap()` in
/// `arch/x86/kernel/process.c`; `tss_copy_io_bitmap()`; `refresh_tss_limit()` and
/// `invalidate_tss_limit()` in `arch/x86/include/asm/desc.h`; commits ecc7e37d4dad ("x86/io:
/// Speedup schedule out of I/O bitmap user"), 060aa16fdb7c ("x86/ioperm: Add bitmap sequence
/// number") and 22fe5b0439dd ("x86/ioperm: Move TSS bitmap update to exit to user work").
public struct Linux55Strategy: SwitchStrategy {
  /// One CPU: its `cpu_tss_rw` as bytes (with `prev_sequence`/`prev_max` stored in them at their
  /// real offsets) and the per-CPU `__tss_limit_invalid` flag.
  public struct CPUState: Sendable, Hashable {
    public var tss: TaskStateSegment
    public var tssLimitInvalid = false
  }

  public struct State: Sendable, Hashable {
    public let layout: LinuxTSSLayout
    public var cpus: [CPUState]
  }

  /// Deliberate mistakes, each one a way the 2019 designs could leak or lose a port. Checkers
  /// must find every one; none is ever on in the catalog.
  public enum Defect: String, Sendable, Hashable, CaseIterable {
    /// Switch-out leaves the base valid: the XSA-329 shape (the TSS and what the hardware
    /// consults drift apart when a bitmap user is switched out).
    case keepsBaseOnSwitchOut = "keeps-base-on-switch-out"
    /// The copy covers only the incoming `max`, not `prev_max`: Andy Lutomirski's stale-bits
    /// hole in V2 06/16.
    case copiesOnlyIncomingMax = "copies-only-incoming-max"
    /// Exit to user never calls `refresh_tss_limit()` after a VM exit.
    case skipsLimitRefresh = "skips-limit-refresh"
  }

  /// The defects injected into this instance; empty for the real design.
  public var defects: Set<Defect>

  public init(defects: Set<Defect> = []) { self.defects = defects }

  public var name: String {
    defects.isEmpty ? "linux-5.5" : "linux-5.5+" + defects.map(\.rawValue).sorted().joined(separator: "+")
  }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    let layout = LinuxTSSLayout(portCount: kernel.portCount)
    return State(
      layout: layout,
      cpus: Array(repeating: CPUState(tss: layout.bootTSS()), count: cpuCount))
  }

  public func tss(on cpu: Int, in state: State) -> TaskStateSegment { state.cpus[cpu].tss }

  public func contextSwitch(
    on cpu: Int, from previous: ThreadID?, to next: ThreadID?, kernel: Kernel,
    state: inout State, counts: inout OperationCounts
  ) {
    // TIF_IO_BITMAP is only in _TIF_WORK_CTXSW_PREV: only the outgoing task matters.
    if let previous, kernel[previous].needsIOBitmapUpdate, !defects.contains(.keepsBaseOnSwitchOut) {
      invalidate(on: cpu, state: &state, counts: &counts)
    }
  }

  public func returnToUser(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    guard kernel[thread].needsIOBitmapUpdate else { return }
    update(on: cpu, thread: thread, kernel: kernel, state: &state, counts: &counts)
  }

  public func permissionsChanged(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    // task_update_io_bitmap(): with the flag clear, tss_update_io_bitmap() invalidates now;
    // with it set, the update waits for exit to user mode.
    if !kernel[thread].needsIOBitmapUpdate { invalidate(on: cpu, state: &state, counts: &counts) }
  }

  public func vmExit(
    on cpu: Int, current: ThreadID?, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    state.cpus[cpu].tss.limit = TaskStateSegment.vmExitLimit
    // invalidate_tss_limit(): reload at once for a bitmap user, otherwise defer.
    if let current, kernel[current].needsIOBitmapUpdate {
      forceReloadTR(on: cpu, state: &state, counts: &counts)
    } else {
      state.cpus[cpu].tssLimitInvalid = true
    }
  }

  /// `native_tss_invalidate_io_bitmap()`: base := IO_BITMAP_OFFSET_INVALID; bits untouched.
  func invalidate(on cpu: Int, state: inout State, counts: inout OperationCounts) {
    state.cpus[cpu].tss.ioMapBase = UInt16(state.layout.invalid)
    counts.mapBaseWrites += 1
  }

  /// `native_tss_update_io_bitmap()` for a thread with TIF_IO_BITMAP set.
  func update(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    let layout = state.layout
    if kernel[thread].ioplEmulation == 3 {
      state.cpus[cpu].tss.ioMapBase = UInt16(layout.validAll)
    } else if let bitmap = kernel.bitmap(of: thread) {
      counts.sequenceCompares += 1
      // In place: the TSS bytes stay uniquely referenced, so nothing but the copy is written.
      copyIfStale(bitmap, into: &state.cpus[cpu].tss, layout: layout, counts: &counts)
      state.cpus[cpu].tss.ioMapBase = UInt16(layout.validMap)
    } else {
      // WARN_ON_ONCE(!iobm) since 8b68e978718f: cannot happen with a consistent flag.
      state.cpus[cpu].tss.ioMapBase = UInt16(layout.invalid)
    }
    counts.mapBaseWrites += 1
    if state.cpus[cpu].tssLimitInvalid, !defects.contains(.skipsLimitRefresh) { forceReloadTR(on: cpu, state: &state, counts: &counts) }
  }

  /// `tss_copy_io_bitmap()` when `prev_sequence` differs: copy max(prev_max, max) bytes (only
  /// `max` with the stale-bits defect) and record the new max and sequence.
  func copyIfStale(
    _ bitmap: IOBitmap, into tss: inout TaskStateSegment, layout: LinuxTSSLayout,
    counts: inout OperationCounts
  ) {
    guard tss.readLittleEndian(at: layout.prevSequenceOffset, width: 8) != bitmap.sequence else {
      return
    }
    let prevMax = Int(tss.readLittleEndian(at: layout.prevMaxOffset, width: 4))
    let count =
      defects.contains(.copiesOnlyIncomingMax) ? bitmap.maxBytes : max(prevMax, bitmap.maxBytes)
    tss.write(bitmap.bytes(count: count), at: layout.validMap)
    tss.writeLittleEndian(UInt64(bitmap.maxBytes), at: layout.prevMaxOffset, width: 4)
    tss.writeLittleEndian(bitmap.sequence, at: layout.prevSequenceOffset, width: 8)
    counts.bytesCopied += count
    counts.copies += 1
  }

  /// `force_reload_TR()`: mark the GDT descriptor available, LTR, clear the flag.
  func forceReloadTR(on cpu: Int, state: inout State, counts: inout OperationCounts) {
    state.cpus[cpu].tss.limit = state.layout.limit
    state.cpus[cpu].tssLimitInvalid = false
    counts.gdtWrites += 1
    counts.taskRegisterLoads += 1
  }

  /// Invariants I1–I4 of the reference (§4.3), derived from the kernel code.
  public func invariantViolations(state: State, kernel: Kernel, currents: [ThreadID?]) -> [String] {
    let layout = state.layout
    var problems: [String] = []
    for (cpu, cpuState) in state.cpus.enumerated() {
      let tss = cpuState.tss
      let prevMax = Int(tss.readLittleEndian(at: layout.prevMaxOffset, width: 4))
      let prevSequence = tss.readLittleEndian(at: layout.prevSequenceOffset, width: 8)
      let map = layout.validMap
      if let dirty = (map + prevMax..<map + layout.bitmapBytes + 8).first(where: { tss.bytes[$0] != 0xFF }) {
        problems.append("I1 cpu\(cpu): bitmap byte \(dirty - map) ≥ prev_max \(prevMax) is not 0xff")
      }
      let all = layout.validAll
      if (all..<all + layout.bitmapBytes).contains(where: { tss.bytes[$0] != 0 })
        || (all + layout.bitmapBytes..<all + layout.bitmapBytes + 8).contains(where: { tss.bytes[$0] != 0xFF })
      {
        problems.append("I2 cpu\(cpu): mapall is not all zero with a trailing all-ones long")
      }
      if let source = kernel.bitmaps.values.first(where: { $0.sequence == prevSequence }),
        prevSequence != 0, source.bytes(count: prevMax) != Array(tss.bytes[map..<map + prevMax])
      {
        problems.append("I3 cpu\(cpu): TSS bytes differ from the bitmap of sequence \(prevSequence)")
      }
      let base = Int(tss.ioMapBase)
      if base == layout.validMap || base == layout.validAll {
        if currents.indices.contains(cpu), let current = currents[cpu],
          kernel[current].needsIOBitmapUpdate
        {
          continue
        }
        problems.append("I4 cpu\(cpu): map base valid while the current task has no TIF_IO_BITMAP")
      }
    }
    return problems
  }
}
