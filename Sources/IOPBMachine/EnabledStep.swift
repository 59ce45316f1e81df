import IOPBKernel

/// A step a ``StepMenu`` offers in a state (``Machine/enabledSteps(_:)``).
public struct EnabledStep: Sendable, Hashable, CustomStringConvertible {
  /// The kind of step, which a random driver picks first.
  public var operation: StepMenu.Operation
  /// The thread that acts, for a thread's action (a system call, an access, CLI or STI, a
  /// migration); nil for the steps of a CPU or of the machine.
  public var actor: ThreadID?
  /// The step itself. Under implicit scheduling a thread's action may need its actor brought
  /// onto its CPU first: take ``Machine/steps(for:)``, not this alone.
  public var step: MachineStep

  public init(_ operation: StepMenu.Operation, actor: ThreadID? = nil, _ step: MachineStep) {
    self.operation = operation
    self.actor = actor
    self.step = step
  }

  public var description: String { step.description }
}
