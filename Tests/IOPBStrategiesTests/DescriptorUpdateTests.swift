import IOPBCost
import IOPBStrategies
import Testing

/// Each kernel's TR reload priced as it rewrites the descriptor: Linux x86-64 through its
/// read-only GDT (two LGDTs), FreeBSD into a writable GDT (none), HelenOS with one.
@Suite struct DescriptorUpdateTests {
  static let cases: [(DescriptorUpdate, Int, Double)] = [
    (.readOnlyGDT, 2, 235), (.writableGDT, 0, 155), (.reloadedGDT, 1, 195),
  ]

  /// descriptor_write 5 + lgdt 40 each + ltr 150 under the default profile.
  @Test(arguments: cases)
  func aReloadCostsWhatItsKernelDoes(update: DescriptorUpdate, gdtLoads: Int, cycles: Double) {
    var counts = OperationCounts()
    update.countReload(into: &counts)
    #expect(counts.descriptorWrites == 1)
    #expect(counts.gdtLoads == gdtLoads)
    #expect(counts.taskRegisterLoads == 1)
    #expect(CycleProfile.default.cycles(for: counts, copiesFrom: .l1) == cycles)
  }

  /// FreeBSD's reload is about a third cheaper than Linux's, HelenOS's about a sixth.
  @Test func freeBSDAndHelenOSReloadCheaperThanLinux() {
    func price(_ update: DescriptorUpdate) -> Double {
      var counts = OperationCounts()
      update.countReload(into: &counts)
      return CycleProfile.default.cycles(for: counts, copiesFrom: .l1)
    }
    #expect(price(.writableGDT) / price(.readOnlyGDT) < 0.7)
    #expect(price(.reloadedGDT) / price(.readOnlyGDT) < 0.85)
  }
}
