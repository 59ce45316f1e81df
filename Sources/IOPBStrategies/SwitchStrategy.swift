import IOPBCPU
import IOPBCost
import IOPBKernel

/// A design for keeping each CPU's TSS I/O permission bit map in step with the running thread.
///
/// The machine drives every strategy through the same hooks, at the points where a kernel
/// would run them, lending each hook the ``StrategyContext``: the kernel, the design's state
/// (including the TSS bytes the CPU checks) and the counts of every costly operation the design
/// performs. The machine counts the switches and returns to user mode that drive it.
///
/// One type is one design as one source describes it: a kernel release, a posted patch, a mail.
/// A variant of the same source (a known defect to inject, an option its author described) is
/// a parameter of that type and shows in ``name`` as `design+variant`.
public protocol SwitchStrategy: Sendable, Hashable {
  /// Everything the design keeps: the TSS of each CPU and any bookkeeping.
  associatedtype State: CanonicalState
  typealias Context = StrategyContext<State>

  /// The stable name used on the command line and in reports, e.g. `linux-5.5`.
  var name: String { get }

  /// Where the design comes from: a kernel and version with the file or function
  /// (`Linux 5.5, arch/x86/kernel/process.c …`), or the message of the 2019 thread that proposed
  /// it (`2019 thread: Gleixner, [patch V2 06/16]`). For `iopb strategies`.
  var origin: String { get }

  /// What the design does at a context switch, in one line. For `iopb strategies`.
  var mechanism: String { get }

  /// The state after boot for `cpuCount` CPUs under `kernel`.
  func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State

  /// `state` with every number renamed by `renumbering`, for a checker's canonical form: it
  /// must behave as `state` does under the renamed kernel. Defaults to the state's own
  /// ``CanonicalState/renumbered(by:)``.
  func renumbered(_ state: State, by renumbering: Renumbering) -> State

  /// The TSS the CPU's task register designates on `cpu`: what the hardware check reads.
  func tss(on cpu: CPUID, in state: State) -> TaskStateSegment

  /// The CPU's check of `access` from user mode at `iopl` on `cpu` (SDM vol. 1 §13.5.2): by
  /// default ``IOPermissionCheck/decide(_:tss:cpl:iopl:)`` on ``tss(on:in:)``. A design whose
  /// TSS is a view of other bytes (Xen's pointer into the guest's TSS) decides on those bytes
  /// directly instead of building the view's copy at every access.
  func decide(_ access: IOAccess, on cpu: CPUID, in state: State, iopl: PrivilegeLevel) -> IOPermissionDecision

  /// EFLAGS.IOPL in user mode for `thread`; ring 0 for every design that emulates `iopl`.
  func userIOPL(of thread: ThreadID, kernel: Kernel) -> PrivilegeLevel

  /// `__switch_to()` on `cpu` from `previous` to `next` (nil: the idle task).
  func contextSwitch(on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context)

  /// Exit to user mode of `thread` on `cpu` (`arch_exit_to_user_mode_prepare()`); nothing by
  /// default, for the designs that do all their work at the switch.
  func returnToUser(on cpu: CPUID, thread: ThreadID, in context: inout Context)

  /// The running `thread`'s permissions changed in a system call (`ioperm`, `iopl`, exit).
  func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context)

  /// `ksys_ioperm()` by the running `thread` replaced its shared bitmap by a private copy,
  /// dropping the shared one with `io_bitmap_exit()` first; ``permissionsChanged(on:thread:in:)``
  /// follows. Nothing by default: only Linux ≥ 5.5's `task_update_io_bitmap()` touches the TSS
  /// on the way.
  func bitmapCopiedOnWrite(on cpu: CPUID, thread: ThreadID, in context: inout Context)

  /// A failed fork's cleanup ran `tss_update_io_bitmap()` for `current`, the creator, on `cpu`
  /// (``SyscallEffect/failedForkUpdatedTSS``: before 8b68e978718f). Nothing by default: only
  /// Linux ≥ 5.5's `native_tss_update_io_bitmap()` runs there.
  func failedForkUpdatedTSS(on cpu: CPUID, current: ThreadID, in context: inout Context)

  /// A VM exit on `cpu` left the TR limit at 0x67 while `current` ran KVM.
  func vmExit(on cpu: CPUID, current: ThreadID?, in context: inout Context)

  /// A user port access by `thread` raised #GP. Returns true when the kernel fixed the TSS up
  /// and restarts the instruction (lazy designs); false delivers SIGSEGV.
  func generalProtection(on cpu: CPUID, thread: ThreadID, access: IOAccess, in context: inout Context) -> Bool

  /// A user port access by `thread` on `cpu`, before the CPU decides it: designs whose bitmap
  /// reads cost something (TLB misses after a remap, a trap into a hypervisor) count it here.
  func portAccessed(on cpu: CPUID, thread: ThreadID, access: IOAccess, in context: inout Context)

  /// Bitmaps a system call freed (`io_bitmap_exit()` dropped the last reference), after the
  /// call's other hooks ran. `cpu` is the caller's CPU.
  func bitmapsFreed(_ bitmaps: [BitmapID], on cpu: CPUID, in context: inout Context)

  /// `thread` exited (`exit_thread()`), after it left its CPU; per-thread state can go.
  func threadExited(_ thread: ThreadID, on cpu: CPUID, in context: inout Context)

  /// The design's broken internal invariants, for checkers: empty when sound. Required, so
  /// that no design goes unchecked by forgetting it; only a state type that determines every
  /// invariant (``PerCPUState`` of ``PlainCPU``, ``PrivateTSSTable``) supplies it.
  func invariantViolations(in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>) -> [InvariantViolation]

  /// The violations of ``invariantViolations(in:kernel:currents:)`` at the places in `scope`,
  /// in the same order, with work in proportion to the scope: every violation a step could
  /// have caused when `scope` holds what it touched. Defaults to the full check, which is
  /// correct but not incremental; the catalogue's designs narrow it.
  func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>, within scope: InvariantScope
  ) -> [InvariantViolation]

  /// Linux ≥ 5.5 behaviour the design cannot reproduce, one sentence each; empty when it
  /// reproduces all of it. The double check reports violations for workloads that need it.
  var limitations: [String] { get }

  /// True when one of ``limitations`` explains `violation`, judged on `kernel` and `state` as
  /// they are when the double check reports it; false (the default) for every violation the
  /// design should not have. Must be exact: a violation with another cause is a bug.
  func limitationExplains(_ violation: Violation, kernel: Kernel, state: State) -> Bool

  /// False when the design cannot run with kernel page-table isolation (KPTI), which needs the
  /// TSS at a fixed address in the user-visible `cpu_entry_area`.
  var kptiCompatible: Bool { get }
}

extension SwitchStrategy {
  public func decide(_ access: IOAccess, on cpu: CPUID, in state: State, iopl: PrivilegeLevel) -> IOPermissionDecision {
    IOPermissionCheck.decide(access, tss: tss(on: cpu, in: state), iopl: iopl)
  }

  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>, within scope: InvariantScope
  ) -> [InvariantViolation] {
    invariantViolations(in: state, kernel: kernel, currents: currents)
  }

  public func returnToUser(on cpu: CPUID, thread: ThreadID, in context: inout Context) {}

  public func userIOPL(of thread: ThreadID, kernel: Kernel) -> PrivilegeLevel { .ring0 }

  public func generalProtection(
    on cpu: CPUID, thread: ThreadID, access: IOAccess, in context: inout Context
  ) -> Bool { false }

  public func portAccessed(on cpu: CPUID, thread: ThreadID, access: IOAccess, in context: inout Context) {}

  public func bitmapCopiedOnWrite(on cpu: CPUID, thread: ThreadID, in context: inout Context) {}

  public func failedForkUpdatedTSS(on cpu: CPUID, current: ThreadID, in context: inout Context) {}

  public func bitmapsFreed(_ bitmaps: [BitmapID], on cpu: CPUID, in context: inout Context) {}

  public func threadExited(_ thread: ThreadID, on cpu: CPUID, in context: inout Context) {}

  public var limitations: [String] { [] }

  public func limitationExplains(_ violation: Violation, kernel: Kernel, state: State) -> Bool { false }

  public var kptiCompatible: Bool { true }
}
