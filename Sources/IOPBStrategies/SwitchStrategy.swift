import IOPBCPU
import IOPBCost
import IOPBKernel

/// A design for keeping each CPU's TSS I/O permission bit map in step with the running task.
///
/// The machine drives every strategy through the same hooks, at the points where a kernel
/// would run them. A strategy owns all per-CPU (and any global) state it needs in ``State``,
/// including the TSS bytes the CPU checks, and counts every costly operation it performs; the
/// machine counts the switches and returns to user mode that drive it.
public protocol SwitchStrategy: Sendable, Hashable {
  /// Everything the design keeps: the TSS of each CPU and any bookkeeping.
  associatedtype State: Sendable, Hashable

  /// The stable name used on the command line and in reports, e.g. `linux-5.5`.
  var name: String { get }

  /// The state after boot for `cpuCount` CPUs under `kernel`.
  func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State

  /// The TSS the CPU's task register designates on `cpu`: what the hardware check reads.
  func tss(on cpu: Int, in state: State) -> TaskStateSegment

  /// EFLAGS.IOPL in user mode for `thread`; ring 0 for every design that emulates `iopl`.
  func userIOPL(of thread: ThreadID, kernel: Kernel) -> PrivilegeLevel

  /// `__switch_to()` on `cpu` from `previous` to `next` (nil: the idle task).
  func contextSwitch(
    on cpu: Int, from previous: ThreadID?, to next: ThreadID?, kernel: Kernel,
    state: inout State, counts: inout OperationCounts)

  /// Exit to user mode of `thread` on `cpu` (`arch_exit_to_user_mode_prepare()`); nothing by
  /// default, for the designs that do all their work at the switch.
  func returnToUser(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts)

  /// The running `thread`'s permissions changed in a system call (`ioperm`, `iopl`, exit).
  func permissionsChanged(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts)

  /// A VM exit on `cpu` left the TR limit at 0x67 while `current` ran KVM.
  func vmExit(
    on cpu: Int, current: ThreadID?, kernel: Kernel, state: inout State,
    counts: inout OperationCounts)

  /// A user port access by `thread` raised #GP. Returns true when the kernel fixed the TSS up
  /// and restarts the instruction (lazy designs); false delivers SIGSEGV.
  func generalProtection(
    on cpu: Int, thread: ThreadID, access: IOAccess, kernel: Kernel, state: inout State,
    counts: inout OperationCounts) -> Bool

  /// A user port access by `thread` on `cpu`, before the CPU decides it: designs whose bitmap
  /// reads cost something (TLB misses after a remap, a trap into a hypervisor) count it here.
  func portAccessed(
    on cpu: Int, thread: ThreadID, access: IOAccess, kernel: Kernel, state: inout State,
    counts: inout OperationCounts)

  /// Bitmaps a system call freed (`io_bitmap_exit()` dropped the last reference), after the
  /// call's other hooks ran. `cpu` is the caller's CPU.
  func bitmapsFreed(
    _ bitmaps: [BitmapID], on cpu: Int, kernel: Kernel, state: inout State,
    counts: inout OperationCounts)

  /// `thread` exited (`exit_thread()`), after it left its CPU; per-thread state can go.
  func threadExited(
    _ thread: ThreadID, on cpu: Int, kernel: Kernel, state: inout State,
    counts: inout OperationCounts)

  /// Descriptions of broken internal invariants of the design, for checkers; empty when sound.
  func invariantViolations(state: State, kernel: Kernel, currents: [ThreadID?]) -> [String]

  /// Linux ≥ 5.5 behaviour the design cannot reproduce, one sentence each; empty when it
  /// reproduces all of it. The double check reports violations for workloads that need it.
  var limitations: [String] { get }

  /// True when one of ``limitations`` explains `disagreement`, judged on `kernel` and `state`
  /// as they are when the double check reports it; false (the default) for every disagreement
  /// the design should not have. Must be exact: a disagreement with another cause is a bug.
  func limitationExplains(
    _ disagreement: PermissionDisagreement, kernel: Kernel, state: State) -> Bool

  /// False when the design cannot run with kernel page-table isolation (KPTI), which needs the
  /// TSS at a fixed address in the user-visible `cpu_entry_area`.
  var kptiCompatible: Bool { get }
}

extension SwitchStrategy {
  public func returnToUser(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {}

  public func userIOPL(of thread: ThreadID, kernel: Kernel) -> PrivilegeLevel { .ring0 }

  public func generalProtection(
    on cpu: Int, thread: ThreadID, access: IOAccess, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) -> Bool { false }

  public func portAccessed(
    on cpu: Int, thread: ThreadID, access: IOAccess, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {}

  public func bitmapsFreed(
    _ bitmaps: [BitmapID], on cpu: Int, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {}

  public func threadExited(
    _ thread: ThreadID, on cpu: Int, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {}

  public func invariantViolations(state: State, kernel: Kernel, currents: [ThreadID?]) -> [String] {
    []
  }

  public var limitations: [String] { [] }

  public func limitationExplains(
    _ disagreement: PermissionDisagreement, kernel: Kernel, state: State
  ) -> Bool { false }

  public var kptiCompatible: Bool { true }
}

/// A design that gives every CPU a TSS of its own and does one thing both at a switch to a
/// thread and after the running thread's permissions changed: bring the CPU's TSS in step with
/// that thread (``install(_:into:kernel:counts:)``).
public protocol InstallingStrategy: SwitchStrategy where State: PerCPUTSSState {
  /// Makes `cpu`, the record of the CPU concerned, what the design installs for `thread` (nil:
  /// the idle task).
  func install(
    _ thread: ThreadID?, into cpu: inout State.CPU, kernel: Kernel, counts: inout OperationCounts)
}

extension InstallingStrategy {
  /// Installs the incoming thread.
  public func contextSwitch(
    on cpu: Int, from previous: ThreadID?, to next: ThreadID?, kernel: Kernel,
    state: inout State, counts: inout OperationCounts
  ) {
    install(next, into: &state.cpus[cpu], kernel: kernel, counts: &counts)
  }

  /// Installs the running thread again.
  public func permissionsChanged(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    install(thread, into: &state.cpus[cpu], kernel: kernel, counts: &counts)
  }
}
