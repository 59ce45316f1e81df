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
  /// One CPU: its KTSS and the process it runs (nil: the idle process).
  public typealias CPUState = ProcessCPU

  public struct State: PerCPUTSSState {
    public var cpus: PerCPU<CPUState>
    /// The bitmap and version the shared map was last set from.
    public var mapHolds: PortView = .none
    /// Processes whose offset selects the map.
    public var enabled: Set<ProcessID> = []
  }

  public init() {}

  public var name: String { "windows-nt" }

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String { "Windows NT i386, WRK iopm.c Ke386SetIoAccessMap()/KiLoadIopmOffset, ReactOS KiSwapProcess()" }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String { "one shared map copied to every CPU when set; a switch stores the process's map offset" }

  public var limitations: [String] {
    [
      "one map for the whole system: every enabled process sees the bitmap set last, not its own",
      "access is switched per process: every thread of a process in which one thread holds a bitmap reaches that map",
      "iopl(3) is real IOPL (Ke386SetIOPL): CLI and STI execute in user mode, and ports past the kernel's count are reachable",
    ]
  }

  /// Under `iopl(3)` (real IOPL): CLI/STI executing, and leaks of ports past the kernel's count.
  /// Otherwise a port violation on a CPU running the thread's process, enabled, while the
  /// shared map holds something other than this thread's bitmap (another thread's or process's,
  /// or nothing of its own); when the bitmap the map was set from is still alive, it must
  /// decide the access as the CPU did.
  public func limitationExplains(_ violation: Violation, kernel: Kernel, state: State) -> Bool {
    let thread = kernel[violation.thread]
    if thread.ioplEmulation == 3 {
      switch violation.kind {
      case .interruptFlagChanged: return true
      case .leak: return (violation.ports?.upperBound ?? 0) >= kernel.portCount
      case .wrongDenial, .kernelFault, .referenceDiverged: return false
      }
    }
    guard let ports = violation.ports, state.cpus.indices.contains(violation.cpu),
      state.cpus[violation.cpu].process == thread.process,
      state.enabled.contains(thread.process),
      state.mapHolds != PortView(of: violation.thread, in: kernel)
    else { return false }
    if case .map(let id, let sequence) = state.mapHolds, let bitmap = kernel.bitmaps[id],
      bitmap.sequence == sequence
    {
      let allows = ports.upperBound < kernel.portCount && ports.allSatisfy(bitmap.allows)
      return allows == violation.isLeak
    }
    return true
  }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(cpus: PerCPU(repeating: CPUState(tss: BitmapTSS(portCount: kernel.portCount)), count: cpuCount))
  }

  public func userIOPL(of thread: ThreadID, kernel: Kernel) -> PrivilegeLevel {
    kernel[thread].ioplEmulation == 3 ? .ring3 : .ring0
  }

  /// `KiSwapProcess()`: store the incoming process's offset.
  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    let process = next.map { context.kernel[$0].process }
    context.state.cpus[cpu].process = process
    if let next, let process, context.kernel.bitmap(of: next) != nil, !context.state.enabled.contains(process) {
      setAccess(process, enabled: true, state: &context.state, counts: &context.counts)
    }
    let offset = offset(on: cpu, state: context.state)
    context.state.cpus[cpu].tss.setBase(offset, counts: &context.counts)
    if offset != context.state.cpus[cpu].tss.layout.invalid {
      context.state.cpus[cpu].tss.refreshLimit(counts: &context.counts)
    }
  }

  /// `Ke386SetIoAccessMap()` when the caller's bitmap is not the one the map holds, then
  /// `Ke386IoSetAccessProcess()`; or disable a process none of whose threads has a bitmap.
  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    let kernel = context.kernel
    let process = kernel[thread].process
    if let id = kernel[thread].ioBitmap, let bitmap = kernel.bitmaps[id] {
      let view = PortView.map(id, sequence: bitmap.sequence)
      if context.state.mapHolds != view {
        for index in context.state.cpus.indices {
          let layout = context.state.cpus[index].tss.layout
          context.state.cpus[index].tss.copy(bitmap, range: 0..<layout.bitmapBytes, counts: &context.counts)
          context.state.cpus[index].tss.dirtyBytes = bitmap.maxBytes
          context.state.cpus[index].tss.setBase(offset(on: index, state: context.state), counts: &context.counts)
        }
        context.state.mapHolds = view
      }
      if !context.state.enabled.contains(process) {
        setAccess(process, enabled: true, state: &context.state, counts: &context.counts)
      }
    } else {
      disableIfUnused(process, kernel: kernel, state: &context.state, counts: &context.counts)
    }
  }

  public func threadExited(_ thread: ThreadID, on cpu: CPUID, in context: inout Context) {
    disableIfUnused(context.kernel[thread].process, kernel: context.kernel, state: &context.state, counts: &context.counts)
  }

  public func vmExit(on cpu: CPUID, current: ThreadID?, in context: inout Context) {
    let uses = current.map { context.state.enabled.contains(context.kernel[$0].process) } ?? false
    context.state.cpus[cpu].tss.vmExit(currentUsesMap: uses, counts: &context.counts)
  }

  /// I1 and I2 of every KTSS.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    invariantViolations(in: state, kernel: kernel, currents: currents, within: .everything)
  }

  /// The same rules at the CPUs in `scope`.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>, within scope: InvariantScope
  ) -> [InvariantViolation] {
    state.layoutViolations(within: scope)
  }

  /// `KiComputeIopmOffset()` for the process `cpu` runs.
  func offset(on cpu: CPUID, state: State) -> Int {
    let layout = state.cpus[cpu].tss.layout
    guard let process = state.cpus[cpu].process, state.enabled.contains(process) else {
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
      state.cpus[index].tss.setBase(offset(on: index, state: state), counts: &counts)
      if state.cpus[index].process == process, enabled {
        state.cpus[index].tss.refreshLimit(counts: &counts)
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
