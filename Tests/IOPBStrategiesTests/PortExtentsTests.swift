import IOPBKernel
import IOPBStrategies
import PropertyBased
import Testing

/// ``PortExtents`` against a plain set of ports: random enables and disables keep maximal runs
/// with the set's members, the edits between two extents turn one into the other, and writing
/// the runs into a map grants exactly their ports. Seeded by PropertyBased, which prints the
/// seed and the shrunk operations on failure.
@Suite struct PortExtentsTests {
  static let portCount = 256
  /// Each code is one operation: first port, length (0–39) and enable, decoded by ``build``.
  static let operations = Gen.int(in: 0...1_000_000).array(of: 0...30)

  static func build(_ codes: [Int]) -> (PortExtents, Set<Int>) {
    var extents = PortExtents()
    var model: Set<Int> = []
    for code in codes {
      let first = code % portCount
      let length = code / portCount % 40
      let enable = code / portCount / 40 % 3 != 0
      let ports = first..<min(first + length, portCount)
      extents.set(ports, enable: enable)
      if enable { model.formUnion(ports) } else { model.subtract(ports) }
    }
    return (extents, model)
  }

  @Test func runsAreMaximalAndHoldTheSetsPorts() async {
    await propertyCheck(input: Self.operations) { operations in
      let (extents, model) = Self.build(operations)
      #expect(extents.runs.allSatisfy { !$0.isEmpty })
      #expect(zip(extents.runs, extents.runs.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound })
      #expect(Set(extents.runs.flatMap { Array($0) }) == model)
      #expect((0..<Self.portCount).allSatisfy { extents.contains($0) == model.contains($0) })
    }
  }

  @Test func editsTurnOneExtentIntoAnother() async {
    await propertyCheck(input: Self.operations, Self.operations) { first, second in
      var (extents, _) = Self.build(first)
      let (target, _) = Self.build(second)
      let edits = extents.edits(to: target, portCount: Self.portCount)
      #expect(zip(edits, edits.dropFirst()).allSatisfy { $0.ports.upperBound <= $1.ports.lowerBound })
      for edit in edits { extents.set(edit.ports, enable: edit.enable) }
      #expect(extents == target)
    }
  }

  @Test func writingTheRunsGrantsExactlyTheirPorts() async {
    await propertyCheck(input: Self.operations) { operations in
      let (extents, model) = Self.build(operations)
      var tss = BitmapTSS(portCount: Self.portCount, baseAtMap: true)
      let written = extents.write(into: &tss, granting: true)
      #expect(written.runs == extents.runs.count)
      let map = tss.layout.validMap
      let granted = (0..<Self.portCount).filter { tss.segment.bytes[map + $0 / 8] & (1 << UInt8($0 % 8)) == 0 }
      #expect(Set(granted) == model)
      extents.write(into: &tss, granting: false)
      #expect(tss.segment.bytes[map..<(map + Self.portCount / 8)].allSatisfy { $0 == 0xFF })
    }
  }

  /// A union of views: a bitmap's zero bits, all ports for `iopl(3)`.
  @Test func unionOfViews() throws {
    var kernel = Kernel(configuration: KernelConfiguration(portCount: Self.portCount))
    let a = kernel.spawnProcess(credentials: .root)
    let b = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(a, from: 8, count: 4, turnOn: true)
    _ = try kernel.ioperm(b, from: 10, count: 6, turnOn: true)
    let union = PortExtents(union: [PortView(of: a, in: kernel), PortView(of: b, in: kernel)], kernel: kernel)
    #expect(union.runs == [8..<16])
    _ = try kernel.iopl(b, level: 3)
    #expect(PortExtents(of: b, in: kernel).runs == [0..<Self.portCount])
    #expect(PortExtents(of: nil, in: kernel).runs == [])
  }
}
