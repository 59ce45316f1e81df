import IOPBCPU
import IOPBKernel

/// A pre-formatted TSS per thread (`per-thread-tss-ltr`): a thread with I/O permissions owns a
/// whole TSS holding its bitmap; a switch copies the 88 bytes of stack fields (RSP0–2,
/// IST1–7) into it only when the thread last ran on another CPU, then clears the GDT busy bit
/// and loads TR, on every switch.
///
/// Source: H. Peter Anvin, 2019-11-07 (`<6cac6943-2f6c-d48a-658e-08b3bf87921a@zytor.com>`):
/// "copy the TSS fields (88 bytes) over if and only if the thread has been migrated to a
/// different CPU, then switch the TSS", unsure "that copying 88 bytes + LTR is any cheaper than
/// copying 8K". Brian Gerst's objection (`<CAMzpN2hCrcQg_u5sp7WWGjOBv13+ZWtSAecp6bWpT6rsTyo+-Q@…>`):
/// under KPTI the TSS must sit at a fixed `cpu_entry_area` address visible from user mode, so
/// the design is ``kptiCompatible`` false. Never merged.
///
/// Threads without permissions run on the CPU's own TSS (invalid base). The 88 bytes are
/// counted as copied bytes. A child that inherits a bitmap pays a copy into its own TSS.
public struct PerThreadTSSStrategy: SwitchStrategy {
  /// Bytes of stack pointers a migrated thread's TSS needs from its new CPU.
  public static let stackFieldBytes = 88

  public typealias State = PrivateTSSTable

  public init() {}

  public var name: String { "per-thread-tss-ltr" }

  public var kptiCompatible: Bool { false }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    PrivateTSSTable(cpuCount: cpuCount, kernel: kernel)
  }

  public func tss(on cpu: Int, in state: State) -> TaskStateSegment { state.segment(on: cpu) }

  public func contextSwitch(
    on cpu: Int, from previous: ThreadID?, to next: ThreadID?, kernel: Kernel,
    state: inout State, counts: inout OperationCounts
  ) {
    counts.contextSwitches += 1
    var target: ThreadID?
    if let next, PortView(of: next, in: kernel).grantsPorts || state.threads[next] != nil {
      state.allocate(next, counts: &counts)
      state.sync(next, kernel: kernel, inPlace: false, counts: &counts)
      if state.threads[next]?.preparedFor != cpu {
        counts.copies += 1
        counts.bytesCopied += Self.stackFieldBytes
        state.threads[next]?.preparedFor = cpu
      }
      target = next
    }
    state.load(target, on: cpu, counts: &counts)
  }

  public func returnToUser(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    counts.returnsToUser += 1
  }

  public func permissionsChanged(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    let grants = PortView(of: thread, in: kernel).grantsPorts
    guard grants || state.threads[thread] != nil else { return }
    if state.threads[thread] == nil {
      state.allocate(thread, counts: &counts)
      state.threads[thread]?.preparedFor = cpu
    }
    state.sync(thread, kernel: kernel, inPlace: true, counts: &counts)
    if state.cpus[cpu].loaded != thread {
      state.load(thread, on: cpu, counts: &counts)
    } else if grants {
      state.refreshLimit(on: cpu, counts: &counts)
    }
  }

  public func vmExit(
    on cpu: Int, current: ThreadID?, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    state.vmExit(on: cpu, currentUsesMap: PortView(of: current, in: kernel).grantsPorts, counts: &counts)
  }

  public func threadExited(
    _ thread: ThreadID, on cpu: Int, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    state.free(thread)
  }

  public func invariantViolations(state: State, kernel: Kernel, currents: [ThreadID?]) -> [String] {
    state.invariantViolations(kernel: kernel)
  }
}
