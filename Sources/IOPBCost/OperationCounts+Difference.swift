
extension OperationCounts {
  /// Field-wise `self - earlier`: what happened since the snapshot `earlier`.
  public func since(_ earlier: OperationCounts) -> OperationCounts {
    var delta = OperationCounts()
    delta.accumulate(self, since: earlier)
    return delta
  }

  /// Adds `other` field by field.
  public mutating func add(_ other: OperationCounts) {
    accumulate(other, since: OperationCounts())
  }

  /// Adds `now - before` field by field. Spelled out rather than walked through
  /// ``OperationCounts/fields`` (key paths dominate a simulation's profile); a test checks,
  /// through `Mirror`, that every stored property is carried into itself. The arithmetic wraps
  /// instead of trapping (a run's counts stay far below `Int.max`),
  /// which lets the compiler add the eighteen fields with a few vector instructions: the
  /// engine does this at every switch.
  public mutating func accumulate(_ now: OperationCounts, since before: OperationCounts) {
    bytesCopied &+= now.bytesCopied &- before.bytesCopied
    copies &+= now.copies &- before.copies
    bytesFilled &+= now.bytesFilled &- before.bytesFilled
    fills &+= now.fills &- before.fills
    mapBaseWrites &+= now.mapBaseWrites &- before.mapBaseWrites
    descriptorWrites &+= now.descriptorWrites &- before.descriptorWrites
    gdtLoads &+= now.gdtLoads &- before.gdtLoads
    taskRegisterLoads &+= now.taskRegisterLoads &- before.taskRegisterLoads
    pageInvalidations &+= now.pageInvalidations &- before.pageInvalidations
    tlbMisses &+= now.tlbMisses &- before.tlbMisses
    pageTableWrites &+= now.pageTableWrites &- before.pageTableWrites
    hypercalls &+= now.hypercalls &- before.hypercalls
    generalProtectionFixups &+= now.generalProtectionFixups &- before.generalProtectionFixups
    sequenceCompares &+= now.sequenceCompares &- before.sequenceCompares
    interprocessorInterrupts &+= now.interprocessorInterrupts &- before.interprocessorInterrupts
    portInvocations &+= now.portInvocations &- before.portInvocations
    contextSwitches &+= now.contextSwitches &- before.contextSwitches
    returnsToUser &+= now.returnsToUser &- before.returnsToUser
  }
}
