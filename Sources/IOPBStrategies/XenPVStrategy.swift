import IOPBCPU
import IOPBCost
import IOPBKernel

/// Linux ≥ 5.5 as a Xen PV guest (`xen-pv`): the guest is ``Linux55Strategy`` itself, with the
/// two paravirt operations replaced by Xen's, which run the native one and then tell Xen by
/// hypercall, since Xen, not the CPU, checks a PV guest's port accesses:
/// `PHYSDEVOP_set_iobitmap` with a pointer into the guest's TSS and `IO_BITMAP_BITS` ports after
/// each update, `{0, 0}` after each invalidation. Xen keeps only the pointer and port count per
/// vCPU and reads the guest's bytes by reference on every trapped port access
/// (`guest_io_okay()`), which is counted as a #GP fixup.
///
/// Sources: `xen_update_io_bitmap()` (99bcd4a6e5b8) and `xen_invalidate_io_bitmap()`
/// (cadfad870154, "x86/ioperm: Fix io bitmap invalidation on Xen PV", XSA-329 / CVE-2020-15852)
/// in `arch/x86/xen/enlighten_pv.c`; `PHYSDEVOP_set_iobitmap` in `xen/arch/x86/physdev.c` and
/// `guest_io_okay()` in `xen/arch/x86/pv/emul-priv-op.c` (peers.md §10).
///
/// With ``forwardsInvalidation`` false the guest is Linux 5.5–5.7.9 before the XSA-329 fix:
/// `switch_to_bitmap()` called the native invalidation directly, so Xen keeps pointing at the
/// bitmap of a thread that was switched out; invalidations after `ioperm`, `iopl` and exit
/// went through the paravirt update and reached Xen all along. A defect injected into the
/// ``guest`` reaches this design too. A PV guest cannot run VMX, so VM exits change nothing.
public struct XenPVStrategy: SwitchStrategy {
  /// What Xen holds for one vCPU: the bitmap's offset in the guest TSS and the port count.
  public struct XenView: Sendable, Hashable {
    public var offset: Int
    public var ports: Int
  }

  public struct State: Sendable, Hashable {
    public var guest: Linux55Strategy.State
    /// Per vCPU; nil after `{0, 0}`.
    public var xen: PerCPU<XenView?>
  }

  /// False reproduces XSA-329: the invalidation never reaches Xen.
  public var forwardsInvalidation: Bool
  /// The native design the guest runs, with any defects injected into it.
  public var guest: Linux55Strategy

  public init(forwardsInvalidation: Bool = true, guest: Linux55Strategy = Linux55Strategy()) {
    self.forwardsInvalidation = forwardsInvalidation
    self.guest = guest
  }

  public var name: String {
    let base = forwardsInvalidation ? "xen-pv" : "xen-pv+xsa-329"
    return guest.defects.isEmpty ? base : base + "+" + guest.defects.map(\.rawValue).sorted().joined(separator: "+")
  }

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String {
    forwardsInvalidation
      ? "Linux ≥ 5.7.10 on Xen PV, arch/x86/xen/enlighten_pv.c xen_update_io_bitmap()/xen_invalidate_io_bitmap()"
      : "Linux 5.5–5.7.9 on Xen PV, arch/x86/xen/enlighten_pv.c, before the XSA-329 fix cadfad870154"
  }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String {
    forwardsInvalidation
      ? "linux-5.5 in the guest plus a PHYSDEVOP_set_iobitmap hypercall per update and invalidation"
      : "linux-5.5 in the guest plus a hypercall per update only: Xen keeps an invalidated map (XSA-329)"
  }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(guest: guest.makeState(cpuCount: cpuCount, kernel: kernel), xen: PerCPU(repeating: nil, count: cpuCount))
  }

  /// The guest TSS as Xen's check sees it: based where Xen's pointer points, limited to the map
  /// of its port count and the byte after it. Outside the port count Xen refuses, as the CPU
  /// refuses past the limit.
  public func tss(on cpu: CPUID, in state: State) -> TaskStateSegment {
    let window = xenWindow(on: cpu, in: state)
    var segment = state.guest.cpus[cpu].tss.segment
    segment.ioMapBase = UInt16(window.base)
    segment.limit = window.limit
    return segment
  }

  /// The base and limit Xen checks the guest's TSS under (`iobmp`, `iobmp_limit`): the map of
  /// its port count and the byte after it, or the invalid offset past the limit when Xen holds
  /// no map.
  func xenWindow(on cpu: CPUID, in state: State) -> (base: Int, limit: Int) {
    let layout = state.guest.cpus[cpu].tss.layout
    return state.xen[cpu].map { ($0.offset, $0.offset + $0.ports / 8) } ?? (layout.invalid, layout.limit)
  }

  /// ``tss(on:in:)``'s check without building it: the guest TSS's bytes under Xen's base and
  /// limit (`iobmp`, `iobmp_limit`), and the invalid offset past the limit when Xen holds none.
  public func decide(_ access: IOAccess, on cpu: CPUID, in state: State, iopl: PrivilegeLevel) -> IOPermissionDecision {
    let window = xenWindow(on: cpu, in: state)
    return IOPermissionCheck.decide(
      access, bytes: state.guest.cpus[cpu].tss.segment.bytes, base: window.base, limit: window.limit, iopl: iopl)
  }

  /// `switch_to_bitmap()`: the invalidation that XSA-329 left native-only.
  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    if guest.invalidatesAtSwitch(from: previous, kernel: context.kernel) {
      invalidate(on: cpu, forwarding: forwardsInvalidation, state: &context.state, counts: &context.counts)
    }
  }

  /// `xen_update_io_bitmap()`: the native update, then `PHYSDEVOP_set_iobitmap`.
  public func returnToUser(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    guard guest.updatesAtReturn(of: thread, kernel: context.kernel) else { return }
    let faults = context.faults.count
    guest.update(
      &context.state.guest.cpus[cpu].tss, for: thread, on: cpu, kernel: &context.kernel, counts: &context.counts,
      faults: &context.faults)
    // A fault in the native half ends xen_update_io_bitmap() before its hypercall.
    if context.faults.count == faults { tellXen(on: cpu, state: &context.state, counts: &context.counts) }
  }

  /// A failed fork's `tss_update_io_bitmap()` for current before 8b68e978718f: the paravirt
  /// update, `xen_update_io_bitmap()`, whichever way current's flag sends the native half.
  public func failedForkUpdatedTSS(on cpu: CPUID, current: ThreadID, in context: inout Context) {
    let faults = context.faults.count
    guest.updateOrInvalidate(
      &context.state.guest.cpus[cpu].tss, for: current, on: cpu, kernel: &context.kernel, counts: &context.counts,
      faults: &context.faults)
    if context.faults.count == faults { tellXen(on: cpu, state: &context.state, counts: &context.counts) }
  }

  /// `xen_update_io_bitmap()`'s hypercall after the native update: `PHYSDEVOP_set_iobitmap`
  /// with the base the update left, 0 ports for an invalid one.
  func tellXen(on cpu: CPUID, state: inout State, counts: inout OperationCounts) {
    let base = state.guest.cpus[cpu].tss.base
    let layout = state.guest.cpus[cpu].tss.layout
    state.xen[cpu] = base == layout.invalid ? nil : XenView(offset: base, ports: layout.bitmapBytes * 8)
    counts.hypercalls += 1
  }

  /// `task_update_io_bitmap()` → `tss_update_io_bitmap()`, the paravirt update, which tells
  /// Xen `{…, 0}` ports even before the XSA-329 fix.
  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    if guest.invalidatesAfterChange(of: thread, kernel: context.kernel) {
      invalidate(on: cpu, forwarding: true, state: &context.state, counts: &context.counts)
    }
  }

  /// The copy on write's `task_update_io_bitmap()`, through the paravirt update as above.
  public func bitmapCopiedOnWrite(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    if guest.invalidatesOnCopy(of: thread, kernel: context.kernel) {
      invalidate(on: cpu, forwarding: true, state: &context.state, counts: &context.counts)
    }
  }

  public func vmExit(on cpu: CPUID, current: ThreadID?, in context: inout Context) {}

  public func portAccessed(on cpu: CPUID, thread: ThreadID, access: IOAccess, in context: inout Context) {
    context.counts.generalProtectionFixups += 1
  }

  /// The native invalidation, then, when `forwarding`, Xen told that no port is open:
  /// `xen_invalidate_io_bitmap()`'s `{0, 0}`, or `xen_update_io_bitmap()` with an invalid base.
  func invalidate(on cpu: CPUID, forwarding: Bool, state: inout State, counts: inout OperationCounts) {
    guest.invalidate(&state.guest.cpus[cpu].tss, counts: &counts)
    guard forwarding else { return }
    state.xen[cpu] = nil
    counts.hypercalls += 1
  }

  /// The guest's invariants, and Xen pointing at a map the guest invalidated.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    invariantViolations(in: state, kernel: kernel, currents: currents, within: .everything)
  }

  /// The same rules at the CPUs in `scope`.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>, within scope: InvariantScope
  ) -> [InvariantViolation] {
    var problems = guest.invariantViolations(in: state.guest, kernel: kernel, currents: currents, within: scope)
    for cpu in state.xen.indices where scope.contains(cpu) && state.xen[cpu] != nil {
      let tss = state.guest.cpus[cpu].tss
      if tss.base == tss.layout.invalid {
        problems.append(InvariantViolation(.hypervisorKeepsInvalidatedMap, at: .cpu(cpu)))
      }
    }
    return problems
  }
}
