import IOPBCPU
import IOPBCost
import IOPBKernel

/// Windows NT i386 (`windows-nt`): every CPU's KTSS holds one I/O map shared by the whole
/// system (`IOPM_COUNT` 1); a process only has an offset (`KPROCESS.IopmOffset`) that either
/// selects that map or points past the TSS. A switch stores the incoming process's offset, one
/// 16-bit store; setting the map copies it into every CPU's TSS by DPC, and enabling a process
/// stores the offsets on every CPU the same way.
///
/// Sources: `Ke386SetIoAccessMap()`/`KiSetIoMap`, `Ke386IoSetAccessProcess()`/`KiLoadIopmOffset`
/// and `KiComputeIopmOffset()` in the WRK `iopm.c`; ReactOS `KiSwapProcess()` and
/// `KiSwapContextExit()` (peers.md §8). `Ke386SetIOPL()` sets real IOPL.
///
/// Linux operations map onto these calls: an `ioperm` that leaves the caller a bitmap sets the
/// shared map to it (unless it holds it already) and enables the caller's process; a process
/// none of whose threads holds a bitmap any more is disabled; a process that inherited one by
/// fork is enabled when it first runs; `iopl(3)` is real IOPL.
public struct WindowsNTStrategy: SwitchStrategy {
  public struct State: PerCPUTSSState {
    public var cpus: [BitmapTSS]
    /// The process each CPU runs (nil: the idle process).
    public var currentProcess: [ProcessID?]
    /// The bitmap and version the shared map was last set from.
    public var mapHolds: PortView = .none
    /// Processes whose offset selects the map.
    public var enabled: Set<ProcessID> = []
  }

  public init() {}

  public var name: String { "windows-nt" }

  public var limitations: [String] {
    [
      "one map for the whole system: every enabled process sees the bitmap set last, not its own",
      "access is switched per process: every thread of a process in which one thread holds a bitmap reaches that map",
      "iopl(3) is real IOPL (Ke386SetIOPL): CLI and STI execute in user mode, and ports past the kernel's count are reachable",
    ]
  }

  /// Under `iopl(3)` (real IOPL): CLI/STI executing, and leaks of ports past the kernel's count.
  /// Otherwise a port disagreement on a CPU running the thread's process, enabled, while the
  /// shared map holds something other than this thread's bitmap (another thread's or process's,
  /// or nothing of its own); when the bitmap the map was set from is still alive, it must
  /// decide the access as the CPU did.
  public func limitationExplains(
    _ disagreement: PermissionDisagreement, kernel: Kernel, state: State
  ) -> Bool {
    let thread = kernel[disagreement.thread]
    if thread.ioplEmulation == 3 {
      switch disagreement.kind {
      case .interruptFlagChanged: return true
      case .leak: return (disagreement.ports?.upperBound ?? 0) >= kernel.portCount
      case .wrongDenial: return false
      }
    }
    guard disagreement.kind != .interruptFlagChanged, let ports = disagreement.ports,
      state.currentProcess.indices.contains(disagreement.cpu),
      state.currentProcess[disagreement.cpu] == thread.process,
      state.enabled.contains(thread.process),
      state.mapHolds != PortView(of: disagreement.thread, in: kernel)
    else { return false }
    if case .map(let id, let sequence) = state.mapHolds, let bitmap = kernel.bitmaps[id],
      bitmap.sequence == sequence
    {
      let allows = ports.upperBound < kernel.portCount && ports.allSatisfy(bitmap.allows)
      return allows == (disagreement.kind == .leak)
    }
    return true
  }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(
      cpus: Array(repeating: BitmapTSS(portCount: kernel.portCount), count: cpuCount),
      currentProcess: Array(repeating: nil, count: cpuCount))
  }

  public func userIOPL(of thread: ThreadID, kernel: Kernel) -> PrivilegeLevel {
    kernel[thread].ioplEmulation == 3 ? .ring3 : .ring0
  }

  public func contextSwitch(
    on cpu: Int, from previous: ThreadID?, to next: ThreadID?, kernel: Kernel,
    state: inout State, counts: inout OperationCounts
  ) {
    let process = next.map { kernel[$0].process }
    state.currentProcess[cpu] = process
    if let next, let process, kernel.bitmap(of: next) != nil, !state.enabled.contains(process) {
      setAccess(process, enabled: true, state: &state, counts: &counts)
    }
    let offset = offset(on: cpu, state: state)
    state.cpus[cpu].setBase(offset, counts: &counts)
    if offset != state.cpus[cpu].layout.invalid { state.cpus[cpu].refreshLimit(counts: &counts) }
  }

  public func permissionsChanged(
    on cpu: Int, thread: ThreadID, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    let process = kernel[thread].process
    if let id = kernel[thread].ioBitmap, let bitmap = kernel.bitmaps[id] {
      let view = PortView.map(id, sequence: bitmap.sequence)
      if state.mapHolds != view {
        for index in state.cpus.indices {
          state.cpus[index].copy(bitmap, range: 0..<state.cpus[index].layout.bitmapBytes, counts: &counts)
          state.cpus[index].dirtyBytes = bitmap.maxBytes
          state.cpus[index].setBase(offset(on: index, state: state), counts: &counts)
        }
        state.mapHolds = view
      }
      if !state.enabled.contains(process) {
        setAccess(process, enabled: true, state: &state, counts: &counts)
      }
    } else {
      disableIfUnused(process, kernel: kernel, state: &state, counts: &counts)
    }
  }

  public func threadExited(
    _ thread: ThreadID, on cpu: Int, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    disableIfUnused(kernel[thread].process, kernel: kernel, state: &state, counts: &counts)
  }

  public func vmExit(
    on cpu: Int, current: ThreadID?, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    let uses = current.map { state.enabled.contains(kernel[$0].process) } ?? false
    state.cpus[cpu].vmExit(currentUsesMap: uses, counts: &counts)
  }

  /// `KiComputeIopmOffset()` for the process `cpu` runs.
  func offset(on cpu: Int, state: State) -> Int {
    let layout = state.cpus[cpu].layout
    guard let process = state.currentProcess[cpu], state.enabled.contains(process) else {
      return layout.invalid
    }
    return layout.validMap
  }

  /// `Ke386IoSetAccessProcess()`: every CPU reloads its base by DPC.
  func setAccess(
    _ process: ProcessID, enabled: Bool, state: inout State, counts: inout OperationCounts
  ) {
    if enabled { state.enabled.insert(process) } else { state.enabled.remove(process) }
    for index in state.cpus.indices {
      state.cpus[index].setBase(offset(on: index, state: state), counts: &counts)
      if state.currentProcess[index] == process, enabled {
        state.cpus[index].refreshLimit(counts: &counts)
      }
    }
  }

  func disableIfUnused(
    _ process: ProcessID, kernel: Kernel, state: inout State, counts: inout OperationCounts
  ) {
    guard state.enabled.contains(process),
      !kernel.threads(of: process).contains(where: { kernel.bitmap(of: $0) != nil })
    else { return }
    setAccess(process, enabled: false, state: &state, counts: &counts)
  }
}
