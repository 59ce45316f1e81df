import IOPBSimulator
import IOPBStrategies
import Testing

/// `iopb bench`'s alternation: what each design does when two tasks with 8 KiB bitmaps take
/// turns on one CPU, one access each.
@Suite struct SwitchAlternationTests {
  /// A timing that runs the loop once and reports one second.
  static func once(_ body: () -> Void) -> Double {
    body()
    return 1
  }

  struct Case: Sendable, CustomStringConvertible {
    var strategy: String
    /// Bytes copied per switch.
    var bytesPerSwitch: Int
    var description: String { strategy }
  }

  static let cases: [Case] = [
    // Each switch finds the other task's sequence in prev_sequence and copies the whole map.
    Case(strategy: "linux-5.5", bytesPerSwitch: 8192),
    Case(strategy: "linux-2.6.8-full", bytesPerSwitch: 8192),
    // A TSS per thread: LTR, nothing copied.
    Case(strategy: "per-thread-tss-ltr", bytesPerSwitch: 0),
    Case(strategy: "redox", bytesPerSwitch: 0),
  ]

  @Test(arguments: cases)
  func theAlternationCountsWhatTheDesignDoes(_ testCase: Case) throws {
    let strategy = try #require(StrategyCatalog.strategy(named: testCase.strategy))
    let measurement = SwitchAlternation.run(strategy, switches: 40, timing: Self.once)
    let counts = try #require(measurement?.counts, "\(testCase.strategy) refused the alternation")
    #expect(measurement?.seconds == 1)
    #expect(counts.contextSwitches == 40)
    #expect(counts.returnsToUser == 40)
    #expect(counts.bytesCopied == testCase.bytesPerSwitch * 40)
  }

  /// The spacers of a placement move the machine's memory and nothing else: every placement
  /// of every design counts what placement 0 counts.
  @Test(arguments: cases)
  func placementsChangeNoCount(_ testCase: Case) throws {
    let strategy = try #require(StrategyCatalog.strategy(named: testCase.strategy))
    let unmoved = try #require(SwitchAlternation.run(strategy, switches: 40, timing: Self.once)?.counts)
    for placement in 1...6 {
      let moved = SwitchAlternation.run(strategy, switches: 40, placement: placement, timing: Self.once)
      #expect(moved?.counts == unmoved, "placement \(placement)")
    }
  }
}
