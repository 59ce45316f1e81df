import IOPBCost
import IOPBSimulator
import IOPBStrategies
import Testing

/// Reproduces Ingo Molnar's 2004 `ioperm-latency` figures (costs.md §2) under the
/// `molnar-2004` profile: one yield round trip (two switches) within 10 %.
@Suite struct MolnarGoldenTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var strategy: String
    var port: UInt16?
    /// Ingo's cycles per round trip.
    var expected: Double
    var testDescription: String {
      "\(strategy) port \(port.map { "0x" + String($0, radix: 16) } ?? "none") ≈ \(Int(expected))"
    }
  }

  static let cases: [Case] = [
    Case(strategy: "linux-2.6.8-full", port: nil, expected: 2528),
    Case(strategy: "linux-2.6.8-full", port: 0x80, expected: 10563),
    Case(strategy: "linux-2.6.8-full", port: 0xffff, expected: 10517),
    Case(strategy: "linux-4.x-eager", port: 0x80, expected: 2503),
    Case(strategy: "linux-4.x-eager", port: 0xffff, expected: 10607),
    Case(strategy: "linux-2.6.9-owner-cache", port: nil, expected: 2478),
    Case(strategy: "linux-2.6.9-owner-cache", port: 0x80, expected: 2499),
    Case(strategy: "linux-2.6.9-owner-cache", port: 0xffff, expected: 2481),
  ]

  @Test(arguments: cases)
  func reproducesMolnar2004(_ golden: Case) throws {
    let strategy = try #require(
      StrategyCatalog.strategy(named: golden.strategy),
      "strategy '\(golden.strategy)' is not in StrategyCatalog.all (\(StrategyCatalog.names))")
    let profile = CycleProfile.molnar2004
    let result = Simulator.simulate(.molnarYield(port: golden.port), strategy: strategy, profile: profile)
    #expect(result.isClean, "\(result.violations) \(result.failure ?? "")")
    let roundTrip = 2 * (profile[.switchBase] + result.statistics.mean)
    #expect(
      abs(roundTrip - golden.expected) <= 0.10 * golden.expected,
      "round trip \(roundTrip) cycles, Molnar 2004: \(golden.expected)")
  }

  @Test func linux55NeedsNoCopyForASingleUser() throws {
    let strategy = try #require(StrategyCatalog.strategy(named: "linux-5.5"))
    let result = Simulator.simulate(.molnarYield(port: 0xffff), strategy: strategy, profile: .molnar2004)
    #expect(result.isClean)
    #expect(result.switchCounts.copies <= 1)
    #expect(abs(2 * (1250 + result.statistics.mean) - 2500) <= 250)
  }
}
