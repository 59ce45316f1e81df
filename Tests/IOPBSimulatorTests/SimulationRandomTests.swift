import IOPBSimulator
import Testing

@Suite struct SimulationRandomTests {
  /// Reference outputs of xoshiro256** with its state filled by SplitMix64 (Vigna's reference C
  /// code), so a run's stream cannot drift with the toolchain.
  @Test func matchesTheReferenceGenerator() {
    var zero = SimulationRandom(seed: 0)
    let fromZero = [zero.next(), zero.next(), zero.next()]
    #expect(fromZero == [0x99ec_5f36_cb75_f2b4, 0xbf6e_1f78_4956_452a, 0x1a5f_849d_4933_e6e0])
    var fortyTwo = SimulationRandom(seed: 42)
    let fromFortyTwo = [fortyTwo.next(), fortyTwo.next()]
    #expect(fromFortyTwo == [0x1578_0b2e_0c2e_c716, 0x6104_d986_6d11_3a7e])
  }

  @Test func uniformStaysInRangeAndCoversIt() {
    var random = SimulationRandom(seed: 9)
    var seen = Set<Int>()
    for _ in 0..<2000 {
      let value = random.uniform(3...9)
      #expect((3...9).contains(value))
      seen.insert(value)
    }
    #expect(seen == Set(3...9))
    let single = random.uniform(5...5)
    let never = random.chance(permille: 0)
    let always = random.chance(permille: 1000)
    #expect(single == 5)
    #expect(!never)
    #expect(always)
  }
}
