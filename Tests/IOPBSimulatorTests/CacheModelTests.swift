import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBSimulator
import IOPBStrategies
import Testing

/// Where a copy reads from, as the cache model infers it: touched within L1's size → L1, within
/// L2's → L2, else or never → cold; the colder of source and destination.
@Suite struct CacheModelTests {
  static let bitmap = BitmapID(rawValue: 0)

  @Test(arguments: [
    (touchedSince: 0, expected: CopyResidency.l1), (touchedSince: 32767, expected: .l1),
    (touchedSince: 32768, expected: .l2), (touchedSince: 262_143, expected: .l2),
    (touchedSince: 262_144, expected: .cold),
  ])
  func residencyFollowsWhatTheCPUTouchedSince(touchedSince: Int, expected: CopyResidency) {
    var cache = CacheModel(cpuCount: 2, l1Bytes: 32768, l2Bytes: 262_144)
    cache.touch(.tssMap, bytes: 0, on: 0)
    cache.touch(.bitmap(Self.bitmap), bytes: 8192, on: 0)
    cache.run(touchedSince, on: 0)
    #expect(cache.residency(of: .bitmap(Self.bitmap), on: 0) == expected)
    // The other CPU never touched it.
    #expect(cache.residency(of: .bitmap(Self.bitmap), on: 1) == .cold)
  }

  @Test func aCopyPaysTheColderOfSourceAndDestination() {
    var cache = CacheModel(cpuCount: 1, l1Bytes: 1000, l2Bytes: 10_000)
    cache.touch(.tssMap, bytes: 0, on: 0)
    cache.run(5000, on: 0)
    cache.touch(.bitmap(Self.bitmap), bytes: 0, on: 0)
    #expect(cache.residency(of: .bitmap(Self.bitmap), on: 0) == .l1)
    #expect(cache.copyResidency(from: Self.bitmap, on: 0) == .l2)
    cache.run(20_000, on: 0)
    #expect(cache.copyResidency(from: Self.bitmap, on: 0) == .cold)
  }

  /// A run whose bytes overflow `Int` (a trace's last timestamp near the largest the parser
  /// takes, times a large touch rate) evicts everything, as any run past L2 does, and leaves
  /// the model counting: a later touch is in L1 again.
  @Test func aRunPastIntMaxEvictsWithoutOverflowing() {
    var cache = CacheModel(cpuCount: 1, l1Bytes: 1000, l2Bytes: 10_000)
    cache.touch(.bitmap(Self.bitmap), bytes: 0, on: 0)
    cache.run(microseconds: Int.max / 2, touching: 1 << 20, on: 0)
    cache.run(microseconds: Int.max / 2, touching: 1 << 20, on: 0)
    #expect(cache.residency(of: .bitmap(Self.bitmap), on: 0) == .cold)
    cache.touch(.tssMap, bytes: 10, on: 0)
    #expect(cache.residency(of: .tssMap, on: 0) == .l1)
  }

  /// Two threads ping-ponging their bitmaps with nothing else to do copy from L1; with CPU-bound
  /// programs streaming through memory between them, the bitmaps fall out of L2.
  @Test func theEngineInfersResidencyFromTheWorkload() throws {
    let strategy = Linux268FullCopyStrategy()
    let quiet = Simulator.simulate(.molnarYield(port: 0xffff), strategy: strategy)
    #expect(quiet.copyBytesByResidency[.l1, default: 0] > 0)
    #expect(quiet.copyBytesByResidency[.cold, default: 0] <= 2 * 8192)
    let busy = Simulator.simulate(Workload.highPort.with(duration: .switches(400)), strategy: strategy)
    #expect(busy.copyBytesByResidency[.cold, default: 0] > 0)
    // A profile that forces a residency prices every copy there.
    let forced = Simulator.simulate(.molnarYield(port: 0xffff), strategy: strategy, profile: .molnar2004)
    #expect(Set(forced.copyBytesByResidency.filter { $0.value > 0 }.keys) == [.l2])
  }
}
