import IOPBCPU
import IOPBCost
import IOPBKernel

/// seL4 (`sel4`): the TSS map denies every port for ever and user code never executes IN or
/// OUT. A thread holding an IOPort capability for `[first, last]` invokes it (`In8/16/32`,
/// `Out8/16/32`); the kernel checks that the one capability covers every port of the access and
/// executes the instruction itself. Nothing happens at a switch or a permission change; every
/// port access is a kernel round trip.
///
/// Sources (seL4/seL4): `init_tss()` in `src/arch/x86/64/kernel/vspace.c` (base past the
/// hardware part, map set to all ones "to block user IN/OUT instructions", never written
/// again); `decodeX86PortInvocation()`, `ensurePortOperationAllowed()`, `invokeX86PortIn()`,
/// `invokeX86PortOut()` and `decodeX86PortControlInvocation()` (`IOPortControl_Issue`, which
/// hands out a range no capability holds yet, `x86KSAllocatedIOPorts`) in
/// `src/arch/x86/object/ioport.c` (peers.md §13a).
///
/// Linux's per-thread permissions map onto capabilities in each thread's CSpace: a thread holds
/// one IOPort capability per maximal run of the ports it may reach (its bitmap's, all of them at
/// `iopl(3)`), copies of issued ones where several threads share ports, as `CNode_Copy` allows;
/// `ioperm` and `iopl` mint or revoke them. Because the runs are maximal, one capability
/// covers an access exactly when every port of it is the thread's, so the design reproduces
/// Linux's decisions. ``tss(on:)`` is that check as a TSS, as `xen-pv` renders Xen's: a map of
/// the running thread's runs, which the CPU never holds (the real map stays all ones and is not
/// stored). A refused invocation returns `seL4_IllegalOperation` where the model raises
/// SIGSEGV: both refuse. IOPL stays 0: CLI and STI fault. A VM exit cuts the real TSS's limit,
/// which only hides an all-ones map, and no invocation reads it: nothing to reload.
public struct SeL4Strategy: SwitchStrategy {
  /// One CPU: the running thread's capabilities, as the kernel's check sees them.
  public struct CPUState: CPURecord {
    /// The invocation check rendered as a TSS: the map holds the runs' zero bits.
    public var tss: BitmapTSS
    /// The view (bitmap and sequence, or `iopl(3)`) the runs were taken from.
    public var holds: PortView = .none
    /// The running thread's IOPort capabilities, one per run.
    public var capabilities = PortExtents()
    /// The capabilities of the last threads run here, by view (a memo of the model's, not
    /// state: seL4 keeps them in each thread's CSpace).
    public var recent = ViewMemo<PortExtents>()
  }

  public typealias State = PerCPUState<CPUState>

  public init() {}

  public var name: String { "sel4" }

  /// Where the design comes from.
  public var origin: String {
    "seL4: decodeX86PortInvocation() and ensurePortOperationAllowed() in src/arch/x86/object/ioport.c, init_tss() in src/arch/x86/64/kernel/vspace.c"
  }

  /// What it does, in one line.
  public var mechanism: String {
    "TSS map denies every port; each access is an IOPort capability call the kernel checks and executes"
  }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    var tss = BitmapTSS(portCount: kernel.portCount, baseAtMap: true)
    tss.dirtyBytes = tss.layout.bitmapBytes
    return State(CPUState(tss: tss), count: cpuCount)
  }

  /// Nothing is written at a switch: the kernel's check reads the incoming thread's CSpace.
  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    take(next, on: cpu, in: &context)
  }

  /// `ioperm`/`iopl`: capabilities minted or revoked in the caller's CSpace; no TSS changes.
  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    take(context.kernel.isAlive(thread) ? thread : nil, on: cpu, in: &context)
  }

  /// A VM exit leaves the all-ones map unreadable; no invocation reads it.
  public func vmExit(on cpu: CPUID, current: ThreadID?, in context: inout Context) {}

  /// Every user port access is an invocation: `seL4_Call` into the kernel, the capability's
  /// range checked, the instruction executed or refused, the reply.
  public func portAccessed(on cpu: CPUID, thread: ThreadID, access: IOAccess, in context: inout Context) {
    context.counts.portInvocations += 1
  }

  /// I1 and I2 of the rendered check, and the check holding exactly the running thread's
  /// capabilities, taken from its current view.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    state.layoutViolations
      + state.cpus.indices.compactMap { cpu in
        let record = state.cpus[cpu]
        var expected = BitmapTSS(portCount: kernel.portCount, baseAtMap: true)
        record.capabilities.write(into: &expected, granting: true)
        let map = expected.layout.validMap..<(expected.layout.validMap + expected.layout.bitmapBytes)
        if record.tss.segment.bytes[map] != expected.segment.bytes[map] {
          return InvariantViolation(.mapDiffersFromBookkeeping, at: .cpu(cpu))
        }
        let current = currents.indices.contains(cpu) ? currents[cpu] : nil
        if record.holds != PortView(of: current, in: kernel) {
          return InvariantViolation(.bookkeepingBehindKernel, at: .cpu(cpu))
        }
        return nil
      }
  }

  /// The check now reads `thread`'s capabilities (nil: idle, which holds none); the rendering
  /// is not counted, since no CPU writes it.
  func take(_ thread: ThreadID?, on cpu: CPUID, in context: inout Context) {
    let view = PortView(of: thread, in: context.kernel)
    guard context.state.cpus[cpu].holds != view else { return }
    let capabilities: PortExtents
    if context.kernel.configuration.deviations.isEmpty {
      // Swapped out (not copied) while the closure reads the kernel: a copy would retain it.
      var recent = ViewMemo<PortExtents>()
      swap(&recent, &context.state.cpus[cpu].recent)
      capabilities = recent.value(of: view) { PortExtents(of: thread, in: context.kernel) }
      swap(&recent, &context.state.cpus[cpu].recent)
    } else {
      capabilities = PortExtents(of: thread, in: context.kernel)
    }
    context.state.cpus[cpu].capabilities.write(into: &context.state.cpus[cpu].tss, granting: false)
    capabilities.write(into: &context.state.cpus[cpu].tss, granting: true)
    context.state.cpus[cpu].capabilities = capabilities
    context.state.cpus[cpu].holds = view
  }
}
