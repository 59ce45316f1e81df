import IOPBKernel
import IOPBSimulator
import IOPBStrategies
import PropertyBased
import Testing

/// Random operation sequences on random CPU placements never make the CPU disagree with the
/// entitlement (I5), and keep I1–I4 and the kernel invariants after every step. Each run is
/// seeded; on failure PropertyBased prints the seed as a `.fixedSeed(…)` trait and the shrunk
/// operation list, and the message carries the machine steps.
@Suite struct MachinePropertyTests {
  static let operations = Gen.int(in: 0...1_000_000).array(of: 1...60)

  @Test(arguments: [1, 2, 3])
  func linux55NeverViolatesOnSmallPortSpaces(cpus: Int) async {
    await propertyCheck(count: 150, input: Self.operations) { codes in
      var driver = RandomMachineDriver(strategy: Linux55Strategy(), cpuCount: cpus, portCount: 128)
      let problem = driver.run(codes)
      #expect(problem == nil, "\(problem ?? "")")
    }
  }

  @Test func linux55NeverViolatesOnTheFullPortSpace() async {
    await propertyCheck(count: 25, input: Self.operations) { codes in
      var driver = RandomMachineDriver(strategy: Linux55Strategy(), cpuCount: 2, portCount: 65536)
      let problem = driver.run(codes)
      #expect(problem == nil, "\(problem ?? "")")
    }
  }
}
