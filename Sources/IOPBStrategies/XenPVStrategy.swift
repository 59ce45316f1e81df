import IOPBCPU
import IOPBCost
import IOPBKernel

/// Linux ≥ 5.5 as a Xen PV guest (`xen-pv`): the guest keeps its TSS exactly as `linux-5.5`
/// does, and forwards every change to Xen by hypercall, since Xen, not the CPU, checks a PV
/// guest's port accesses: `PHYSDEVOP_set_iobitmap` with a pointer into the guest's TSS and
/// `IO_BITMAP_BITS` ports after each update, `{0, 0}` after each invalidation. Xen keeps only the
/// pointer and port count per vCPU and reads the guest's bytes by reference on every trapped
/// port access (`guest_io_okay()`), which is counted as a #GP fixup.
///
/// Sources: `xen_update_io_bitmap()` (99bcd4a6e5b8) and `xen_invalidate_io_bitmap()`
/// (cadfad870154, "x86/ioperm: Fix io bitmap invalidation on Xen PV", XSA-329 / CVE-2020-15852)
/// in `arch/x86/xen/enlighten_pv.c`; `PHYSDEVOP_set_iobitmap` in `xen/arch/x86/physdev.c` and
/// `guest_io_okay()` in `xen/arch/x86/pv/emul-priv-op.c` (peers.md §10).
///
/// With ``forwardsInvalidation`` false the guest is Linux 5.5–5.8 before the XSA-329 fix: Xen
/// keeps pointing at the bitmap of a task that was switched out. A PV guest cannot run VMX, so
/// VM exits change nothing.
public struct XenPVStrategy: SwitchStrategy {
  /// What Xen holds for one vCPU: the bitmap's offset in the guest TSS and the port count.
  public struct XenView: Sendable, Hashable {
    public var offset: Int
    public var ports: Int
  }

  public struct State: Sendable, Hashable {
    public var guest: Linux55Strategy.State
    /// Per vCPU; nil after `{0, 0}`.
    public var xen: [XenView?]
  }

  /// False reproduces XSA-329: the invalidation never reaches Xen.
  public var forwardsInvalidation: Bool
  let guest = Linux55Strategy()

  public init(forwardsInvalidation: Bool = true) { self.forwardsInvalidation = forwardsInvalidation }

  public var name: String { forwardsInvalidation ? "xen-pv" : "xen-pv+xsa-329" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(guest: guest.makeState(cpuCount: cpuCount, kernel: kernel), xen: Array(repeating: nil, count: cpuCount))
  }

  /// The guest TSS as Xen's check sees it: based where Xen's pointer points, limited to the map
  /// of its port count and the byte after it. Outside the port count Xen refuses, as the CPU
  /// refuses past the limit.
  public func tss(on cpu: Int, in state: State) -> TaskStateSegment {
    var segment = state.guest.cpus[cpu].tss
    segment.limit = state.guest.layout.limit
    if let view = state.xen[cpu] {
      segment.ioMapBase = UInt16(view.offset)
      segment.limit = view.offset + view.ports / 8
    } else {
      segment.ioMapBase = UInt16(state.guest.layout.invalid)
    }
    return segment
  }

  public func contextSwitch(
    on cpu: Int, from previous: ThreadID?, to next: ThreadID?, kernel: Kernel,
    state: inout State, counts: inout OperationCounts
  ) {
    if let previous, kernel[previous].needsIOBitmapUpdate { invalidate(on: cpu, state: &state, counts: &counts) }
  }

  public func returnToUser(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    guard kernel[thread].needsIOBitmapUpdate else { return }
    guest.update(on: cpu, thread: thread, kernel: kernel, state: &state.guest, counts: &counts)
    let base = Int(state.guest.cpus[cpu].tss.ioMapBase)
    let layout = state.guest.layout
    state.xen[cpu] = base == layout.invalid ? nil : XenView(offset: base, ports: layout.bitmapBytes * 8)
    counts.hypercalls += 1
  }

  public func permissionsChanged(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    if !kernel[thread].needsIOBitmapUpdate { invalidate(on: cpu, state: &state, counts: &counts) }
  }

  public func vmExit(
    on cpu: Int, current: ThreadID?, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {}

  public func portAccessed(
    on cpu: Int, thread: ThreadID, access: IOAccess, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    counts.generalProtectionFixups += 1
  }

  /// `xen_invalidate_io_bitmap()`: the native invalidation, then `{0, 0}` to Xen.
  func invalidate(on cpu: Int, state: inout State, counts: inout OperationCounts) {
    guest.invalidate(on: cpu, state: &state.guest, counts: &counts)
    guard forwardsInvalidation else { return }
    state.xen[cpu] = nil
    counts.hypercalls += 1
  }

  public func invariantViolations(state: State, kernel: Kernel, currents: [ThreadID?]) -> [String] {
    var problems = guest.invariantViolations(state: state.guest, kernel: kernel, currents: currents)
    for (cpu, view) in state.xen.enumerated() where view != nil {
      if Int(state.guest.cpus[cpu].tss.ioMapBase) == state.guest.layout.invalid {
        problems.append("cpu\(cpu): Xen still points at a bitmap the guest invalidated (XSA-329)")
      }
    }
    return problems
  }
}
