import IOPBCPU
import IOPBCost
import IOPBKernel

/// What a design keeps for one CPU whose task register designates a ``BitmapTSS`` of the CPU's
/// own: that TSS alone, or a record of it with the design's per-CPU bookkeeping.
public protocol CPUTSSRecord: Sendable, Hashable {
  var tss: BitmapTSS { get set }
}

extension BitmapTSS: CPUTSSRecord {
  /// The TSS itself, for designs that keep nothing else per CPU.
  public var tss: BitmapTSS { get { self } set { self = newValue } }
}

/// The state of a design that gives every CPU a TSS of its own (in ``cpus``): what the CPU
/// check reads there, what a VM exit cuts the limit of.
public protocol PerCPUTSSState: Sendable, Hashable {
  associatedtype CPU: CPUTSSRecord
  var cpus: [CPU] { get set }
}

/// The whole state of a design that keeps nothing but one record per CPU.
public struct PerCPUState<CPU: CPUTSSRecord>: PerCPUTSSState {
  public var cpus: [CPU]

  /// `count` CPUs, each as `cpu` (boot leaves them all alike).
  public init(_ cpu: CPU, count: Int) { cpus = Array(repeating: cpu, count: count) }
}

extension PerCPUTSSState {
  /// ``BitmapTSS/invariantViolations(name:)`` of every CPU's TSS, named `cpu0`, `cpu1`, ….
  public var layoutViolations: [String] {
    cpus.enumerated().flatMap { cpu, record in record.tss.invariantViolations(name: "cpu\(cpu)") }
  }
}

extension SwitchStrategy where State: PerCPUTSSState {
  /// The CPU's own TSS.
  public func tss(on cpu: Int, in state: State) -> TaskStateSegment { state.cpus[cpu].tss.segment }

  /// ``BitmapTSS/vmExit(currentUsesMap:counts:)`` on the CPU's TSS: reload TR at once when the
  /// current thread may reach ports, otherwise at the next switch to one that may.
  public func vmExit(
    on cpu: Int, current: ThreadID?, kernel: Kernel, state: inout State,
    counts: inout OperationCounts
  ) {
    state.cpus[cpu].tss.vmExit(currentUsesMap: PortView(of: current, in: kernel).grantsPorts, counts: &counts)
  }

  /// The layout of every CPU's TSS (``PerCPUTSSState/layoutViolations``).
  public func invariantViolations(state: State, kernel: Kernel, currents: [ThreadID?]) -> [String] {
    state.layoutViolations
  }
}
