/// The simulator's own seeded generator: xoshiro256** (Blackman and Vigna, 2018), its state
/// filled by SplitMix64 from one 64-bit seed. The same seed gives the same stream on every
/// platform and toolchain, which `SystemRandomNumberGenerator` and the standard library's
/// `random(in:using:)` do not promise.
public struct SimulationRandom: RandomNumberGenerator, Sendable, Hashable {
  private var s0, s1, s2, s3: UInt64

  public init(seed: UInt64) {
    var splitMix = seed
    func next() -> UInt64 {
      splitMix &+= 0x9E37_79B9_7F4A_7C15
      var z = splitMix
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = next()
    s1 = next()
    s2 = next()
    s3 = next()
  }

  public mutating func next() -> UInt64 {
    let result = (s1 &* 5).rotatedLeft(by: 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = s3.rotatedLeft(by: 45)
    return result
  }

  /// A uniform value in `range`, by Lemire's multiply-and-reject method.
  public mutating func uniform(_ range: ClosedRange<Int>) -> Int {
    let span = UInt64(range.upperBound - range.lowerBound) &+ 1
    if span == 0 { return range.lowerBound &+ Int(truncatingIfNeeded: next()) }
    var product = next().multipliedFullWidth(by: span)
    if product.low < span {
      let threshold = (0 &- span) % span
      while product.low < threshold { product = next().multipliedFullWidth(by: span) }
    }
    return range.lowerBound + Int(product.high)
  }

  /// True with probability `permille`/1000.
  public mutating func chance(permille: Int) -> Bool {
    permille > 0 && uniform(0...999) < permille
  }
}

extension UInt64 {
  fileprivate func rotatedLeft(by count: UInt64) -> UInt64 { self << count | self >> (64 - count) }
}
