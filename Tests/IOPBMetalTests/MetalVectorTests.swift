import IOPBCPU
import Testing

@testable import IOPBMetal

@Suite struct MetalVectorTests {
  /// The edges keep the table's verdicts (IOPermissionCheckTests), translated into vectors.
  @Test(arguments: [
    ("byte allowed", true), ("neighbour of an allowed byte", false),
    ("word across a byte boundary, upper bit set", false), ("word across a byte boundary, both clear", true),
    ("port 0xffff byte reads the terminator", true), ("port 0xffff word: bit 0x10000 in the terminator", false),
    ("missing terminator: second byte past the limit", false), ("missing terminator: lower ports unaffected", true),
    ("base at the limit", false), ("base past the limit (Linux's INVALID offset)", false),
    ("limit inside the map: ports covered", true), ("limit inside the map: SDM's 80-port example", false),
    ("VMX limit 0x67 denies every port", false), ("IOPL 3 at CPL 3 skips the map", true),
    ("IOPL 2 at CPL 3 reads the map", false),
  ])
  func edgeKeepsTheTableVerdict(name: String, allowed: Bool) throws {
    let vector = try #require(MetalVectorSet.edges.first { $0.name == name })
    #expect(vector.isValid)
    #expect(vector.modelDecision.isAllowed == allowed)
  }

  @Test func edgesMatchTheDecisionsOfTheCPUTable() {
    let limitEdge = MetalVectorSet.edges.first { $0.name == "limit inside the map: SDM's 80-port example" }
    #expect(limitEdge?.modelDecision == .deniedByLimit(offset: 0x68 + 11))
    let terminator = MetalVectorSet.edges.first { $0.name == "port 0xffff dword" }
    #expect(terminator?.modelDecision == .deniedByBit(port: 0x10000))
  }

  @Test func randomVectorsAreValidDeterministicAndCoverBothVerdicts() {
    let first = MetalVectorSet.random(count: 2000, seed: 7)
    let again = MetalVectorSet.random(count: 2000, seed: 7)
    let other = MetalVectorSet.random(count: 2000, seed: 8)
    #expect(first == again)
    #expect(first != other)
    #expect(first.allSatisfy { $0.isValid })
    let allowed = first.filter { $0.modelDecision.isAllowed }.count
    let byLimit = first.filter { if case .deniedByLimit = $0.modelDecision { true } else { false } }.count
    let byBit = first.filter { if case .deniedByBit = $0.modelDecision { true } else { false } }.count
    #expect(allowed > 100, "allowed \(allowed)")
    #expect(byLimit > 100, "denied by the limit \(byLimit)")
    #expect(byBit > 100, "denied by a bit \(byBit)")
    #expect(Set(first.map(\.access.width)).count == 3)
    #expect(first.contains { $0.iopl == .ring3 })
  }

  @Test func lineCarriesEveryFieldInHex() {
    let vector = MetalVector(
      limit: 0x2068, base: 0x68, iopl: .ring2, access: IOAccess(port: 0x3f8, width: .word), fill: 0xFF,
      patches: [MapPatch(offset: 0xE7, value: 0xFE)])
    #expect(vector.line(id: 26) == "V 1a 2068 68 2 2 3f8 ff 1 e7 fe")
  }

  @Test func tssHoldsFillPatchesAndBase() {
    let vector = MetalVector(
      limit: 0x100, base: 0x80, access: IOAccess(port: 8), fill: 0x55, patches: [MapPatch(offset: 0x81, value: 0)])
    let tss = vector.tss
    #expect(tss.ioMapBase == 0x80)
    #expect(tss.limit == 0x100)
    #expect(tss.bytes[0x68] == 0x55)
    #expect(tss.bytes[0x81] == 0)
    #expect(tss.bytes[0x65] == 0)
    #expect(vector.modelDecision == .allowedByBitmap)
  }
}
