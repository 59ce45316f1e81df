import IOPBCPU
import IOPBKernel

/// What a design keeps for one CPU whose task register designates a ``BitmapTSS`` of the CPU's
/// own: that TSS and the design's per-CPU bookkeeping.
public protocol CPURecord: CanonicalState {
  var tss: BitmapTSS { get set }
}

/// The record of a design that keeps nothing per CPU but the TSS.
public struct PlainCPU: CPURecord {
  public var tss: BitmapTSS
  public init(tss: BitmapTSS) { self.tss = tss }
}

/// The state of a design that gives every CPU a TSS of its own (in ``cpus``): what the CPU
/// check reads there, what a VM exit cuts the limit of.
public protocol PerCPUTSSState: Sendable, Hashable {
  associatedtype Record: CPURecord
  var cpus: PerCPU<Record> { get set }
}

/// The whole state of a design that keeps nothing but one record per CPU.
public struct PerCPUState<Record: CPURecord>: PerCPUTSSState {
  public var cpus: PerCPU<Record>

  /// `count` CPUs, each as `record` (boot leaves them all alike).
  public init(_ record: Record, count: Int) { cpus = PerCPU(repeating: record, count: count) }
}

extension PerCPUTSSState {
  /// ``BitmapTSS/invariantViolations(at:)`` of every CPU's TSS.
  public var layoutViolations: [InvariantViolation] { layoutViolations(within: .everything) }

  /// ``BitmapTSS/invariantViolations(at:)`` of the TSS of every CPU in `scope`.
  public func layoutViolations(within scope: InvariantScope) -> [InvariantViolation] {
    cpus.indices.filter(scope.contains).flatMap { cpu in cpus[cpu].tss.invariantViolations(at: .cpu(cpu)) }
  }

  /// ``layoutViolations``, then for each CPU the rule `check` finds broken in its record.
  public func layoutViolations(
    and check: (Record) -> InvariantViolation.Rule?
  ) -> [InvariantViolation] {
    layoutViolations(within: .everything, and: check)
  }

  /// ``layoutViolations(within:)``, then for each CPU in `scope` the rule `check` finds
  /// broken in its record.
  public func layoutViolations(
    within scope: InvariantScope, and check: (Record) -> InvariantViolation.Rule?
  ) -> [InvariantViolation] {
    layoutViolations(within: scope)
      + cpus.indices.filter(scope.contains).compactMap { cpu in
        check(cpus[cpu]).map { InvariantViolation($0, at: .cpu(cpu)) }
      }
  }
}

extension SwitchStrategy where State == PerCPUState<PlainCPU> {
  /// I1 and I2 of every CPU's TSS: a design that keeps nothing but one TSS per CPU has no
  /// other invariant.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    state.layoutViolations
  }

  /// I1 and I2 of the TSS of every CPU in `scope`.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>, within scope: InvariantScope
  ) -> [InvariantViolation] {
    state.layoutViolations(within: scope)
  }
}

extension SwitchStrategy where State: PerCPUTSSState {
  /// The CPU's own TSS.
  public func tss(on cpu: CPUID, in state: State) -> TaskStateSegment { state.cpus[cpu].tss.segment }

  /// The CPU's check on the TSS where it lies in `state`: ``tss(on:in:)`` would hand out a copy
  /// of the segment, a retain and a release at every access.
  public func decide(_ access: IOAccess, on cpu: CPUID, in state: State, iopl: PrivilegeLevel) -> IOPermissionDecision {
    IOPermissionCheck.decide(access, tss: state.cpus[cpu].tss.segment, iopl: iopl)
  }

  /// ``BitmapTSS/vmExit(currentUsesMap:counts:)`` on the CPU's TSS: reload TR at once when the
  /// current thread may reach ports, otherwise at the next switch to one that may.
  public func vmExit(on cpu: CPUID, current: ThreadID?, in context: inout Context) {
    let uses = PortView(of: current, in: context.kernel).grantsPorts
    context.state.cpus[cpu].tss.vmExit(currentUsesMap: uses, counts: &context.counts)
  }
}
