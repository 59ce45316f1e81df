import IOPBCPU
import IOPBKernel

/// A failure of the double check: what the CPU did to a thread in user mode on a CPU, against
/// what Linux ≥ 5.5 entitles the thread to (invariant I5 of the reference §4.3); or a fault of
/// the modelled kernel code, or the loss of the reference kernel the entitlement comes from.
///
/// The machine reports these; a strategy judges whether a limitation it declares explains one
/// (``SwitchStrategy/limitationExplains(_:kernel:state:)``).
public struct Violation: Sendable, Hashable, Codable, CustomStringConvertible {
  public enum Kind: Sendable, Hashable, Codable {
    /// The CPU allowed an access the thread is not entitled to: a port leaked to it.
    case leak(IOAccess, IOPermissionDecision)
    /// The CPU refused an access the thread is entitled to.
    case wrongDenial(IOAccess, IOPermissionDecision)
    /// User mode executed CLI or STI: it changed the interrupt flag.
    case interruptFlagChanged(InterruptFlagInstruction)
    /// The modelled kernel code faulted (a NULL dereference): never acceptable, whatever the
    /// design's limitations.
    case kernelFault(KernelFault)
    /// The kernel with deviations and its reference kernel without them no longer create the
    /// same threads (a fork that failed in one and not in the other), so their thread numbers
    /// stop naming the same threads; `created` and `referenceCreated` are what each created in
    /// the step. From then on the machine judges entitlement by the deviating kernel.
    case referenceDiverged(created: ThreadID?, referenceCreated: ThreadID?)

    // Names for the unlabelled values in the Codable form.
    enum LeakCodingKeys: String, CodingKey { case _0 = "access", _1 = "decision" }
    enum WrongDenialCodingKeys: String, CodingKey { case _0 = "access", _1 = "decision" }
    enum InterruptFlagChangedCodingKeys: String, CodingKey { case _0 = "instruction" }
    enum KernelFaultCodingKeys: String, CodingKey { case _0 = "fault" }
  }

  public var kind: Kind
  public var cpu: CPUID
  public var thread: ThreadID

  public init(_ kind: Kind, cpu: CPUID, thread: ThreadID) {
    self.kind = kind
    self.cpu = cpu
    self.thread = thread
  }

  /// The port byte addresses of the access; nil for CLI/STI.
  public var ports: ClosedRange<Int>? { access?.ports }

  /// The port access the double check judged; nil for the other kinds.
  public var access: IOAccess? {
    switch kind {
    case .leak(let access, _), .wrongDenial(let access, _): access
    case .interruptFlagChanged, .kernelFault, .referenceDiverged: nil
    }
  }

  /// True for ``Kind/leak(_:_:)``.
  public var isLeak: Bool {
    if case .leak = kind { true } else { false }
  }

  public var description: String { description(naming: \.description) }

  /// The violation with its thread written as `name` gives it.
  public func description(naming name: (ThreadID) -> String) -> String {
    let thread = name(self.thread)
    return switch kind {
    case .leak(let access, let decision):
      "LEAK: \(thread) on \(cpu) \(access) \(decision) but the thread is not entitled"
    case .wrongDenial(let access, let decision):
      "WRONG DENIAL: \(thread) on \(cpu) \(access) \(decision) but the thread is entitled"
    case .interruptFlagChanged(let instruction):
      "IF CHANGED: \(thread) on \(cpu) executed \(instruction.rawValue) in user mode"
    case .kernelFault(let fault):
      "KERNEL FAULT: \(thread) on \(cpu): \(fault)"
    case .referenceDiverged(let created, let referenceCreated):
      "REFERENCE DIVERGED: \(thread) on \(cpu): the kernel created \(created.map(name) ?? "no thread"), the reference kernel \(referenceCreated.map(name) ?? "no thread")"
    }
  }
}
