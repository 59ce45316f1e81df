/// A ``CycleProfile``'s figures read out once into plain numbers, so that pricing a sample of
/// ``OperationCounts`` is a fixed sum of products instead of a dictionary lookup per figure:
/// the simulator prices every switch (``CycleProfile/cycles(for:copiesFrom:)`` gives the same
/// figure, bit for bit, by the same sum in the same order).
public struct CyclePrices: Sendable {
  /// Cycles per copied byte for a source in L1, L2 and colder, after the profile's forced
  /// residency, if any.
  private let copyPerByteL1: Double
  private let copyPerByteL2: Double
  private let copyPerByteCold: Double
  private let copyStartup: Double
  private let fillStartup: Double
  private let fillPerByte: Double
  private let mapBaseWrite: Double
  private let descriptorWrite: Double
  private let gdtLoad: Double
  private let taskRegisterLoad: Double
  private let pageInvalidation: Double
  private let tlbMiss: Double
  private let pageTableWrite: Double
  private let hypercall: Double
  private let generalProtectionFixup: Double
  private let sequenceCompare: Double
  private let interprocessorInterrupt: Double
  private let portInvocation: Double

  public init(_ profile: CycleProfile) {
    copyPerByteL1 = profile.copyPerByte(from: .l1)
    copyPerByteL2 = profile.copyPerByte(from: .l2)
    copyPerByteCold = profile.copyPerByte(from: .cold)
    copyStartup = profile[.copyStartup]
    fillStartup = profile[.fillStartup]
    fillPerByte = profile[.fillPerByte]
    mapBaseWrite = profile[.mapBaseWrite]
    descriptorWrite = profile[.descriptorWrite]
    gdtLoad = profile[.gdtLoad]
    taskRegisterLoad = profile[.taskRegisterLoad]
    pageInvalidation = profile[.pageInvalidation]
    tlbMiss = profile[.tlbMiss]
    pageTableWrite = profile[.pageTableWrite]
    hypercall = profile[.hypercall]
    generalProtectionFixup = profile[.generalProtectionFixup]
    sequenceCompare = profile[.sequenceCompare]
    interprocessorInterrupt = profile[.interprocessorInterrupt]
    portInvocation = profile[.portInvocation]
  }

  /// ``CycleProfile/cycles(for:copiesFrom:)``: the cycles of the counted work when the copies
  /// read a source at `residency` (unless the profile forces one).
  public func cycles(for counts: OperationCounts, copiesFrom residency: CopyResidency) -> Double {
    let perByte =
      switch residency {
      case .l1: copyPerByteL1
      case .l2: copyPerByteL2
      case .cold: copyPerByteCold
      }
    var total = 0.0
    total += Double(counts.copies) * copyStartup + Double(counts.bytesCopied) * perByte
    total += Double(counts.fills) * fillStartup + Double(counts.bytesFilled) * fillPerByte
    total += Double(counts.mapBaseWrites) * mapBaseWrite
    total += Double(counts.descriptorWrites) * descriptorWrite
    total += Double(counts.gdtLoads) * gdtLoad
    total += Double(counts.taskRegisterLoads) * taskRegisterLoad
    total += Double(counts.pageInvalidations) * pageInvalidation
    total += Double(counts.tlbMisses) * tlbMiss
    total += Double(counts.pageTableWrites) * pageTableWrite
    total += Double(counts.hypercalls) * hypercall
    total += Double(counts.generalProtectionFixups) * generalProtectionFixup
    total += Double(counts.sequenceCompares) * sequenceCompare
    total += Double(counts.interprocessorInterrupts) * interprocessorInterrupt
    total += Double(counts.portInvocations) * portInvocation
    return total
  }
}
