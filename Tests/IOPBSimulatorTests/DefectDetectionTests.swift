import IOPBSimulator
import IOPBStrategies
import Testing

/// SplitMix64 (Steele, Lea, Flood 2014): a small seeded generator for reproducible searches.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// The random driver that finds no violation in linux-5.5 must find each injected defect: the
/// property tests can fail.
@Suite struct DefectDetectionTests {
  @Test(arguments: Linux55Strategy.Defect.allCases)
  func randomSearchFindsTheDefect(_ defect: Linux55Strategy.Defect) {
    let seed: UInt64 = 0x10B_2019
    var random = SplitMix64(seed: seed)
    var found: String?
    for _ in 0..<400 where found == nil {
      var driver = RandomMachineDriver(
        strategy: Linux55Strategy(defects: [defect]), cpuCount: 2, portCount: 128)
      let codes = (0..<60).map { _ in Int.random(in: 0...1_000_000, using: &random) }
      found = driver.run(codes)
    }
    #expect(found != nil, "no violation found for \(defect) within 400 runs from seed \(seed)")
  }
}
