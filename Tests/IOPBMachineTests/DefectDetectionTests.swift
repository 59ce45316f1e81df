import IOPBSimulator
import IOPBStrategies
import Testing

/// The random driver that finds no violation in linux-5.5 must find each injected defect: the
/// property tests can fail.
@Suite struct DefectDetectionTests {
  @Test(arguments: Linux55Strategy.Defect.allCases)
  func randomSearchFindsTheDefect(_ defect: Linux55Strategy.Defect) {
    let seed: UInt64 = 0x10B_2019
    var random = SimulationRandom(seed: seed)
    var found: String?
    for _ in 0..<400 where found == nil {
      var driver = RandomMachineDriver(
        strategy: Linux55Strategy(defects: [defect]), cpuCount: 2, portCount: 128)
      let codes = (0..<60).map { _ in random.uniform(0...1_000_000) }
      found = driver.run(codes)
    }
    #expect(found != nil, "no violation found for \(defect) within 400 runs from seed \(seed)")
  }
}
