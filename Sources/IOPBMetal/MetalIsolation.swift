/// The KPTI demonstration's outcome (`K` lines): an INT 0x80 from CPL 3 under user page tables
/// that map only the entry area, with TR on a TSS inside it and on one outside it.
public struct MetalIsolationReport: Sendable, Hashable {
  public var attempts: [MetalTranscript.IsolationAttempt]

  public init(_ transcript: MetalTranscript) { attempts = transcript.isolation }

  func vector(_ name: String) -> UInt64? { attempts.first { $0.name == name }?.vector }

  /// The TSS in the entry area: the call arrives (vector 0x80).
  public var fixedRuns: Bool { vector("fixed") == 0x80 }
  /// The TSS outside: the stack switch faults and the CPU reports a double fault (vector 8).
  public var outsideDoubleFaults: Bool { vector("outside") == 8 }
  /// The same TSS without isolation: the call arrives, so isolation is what broke it.
  public var outsideRunsWithoutIsolation: Bool { vector("outside-without-kpti") == 0x80 }

  public var demonstrated: Bool { fixedRuns && outsideDoubleFaults && outsideRunsWithoutIsolation }

  public var lines: [String] {
    let describe = { (name: String) -> String in
      switch self.vector(name) {
      case 0x80?: "the INT 0x80 reached its handler"
      case 8?: "#DF (the CPU could not read RSP0 through the user tables), caught on IST1"
      case let vector?: "trap 0x\(String(vector, radix: 16))"
      case nil: "no result"
      }
    }
    return [
      "kpti: TSS at the fixed entry-area address, user tables: \(describe("fixed"))",
      "kpti: TSS outside the entry area, user tables: \(describe("outside"))",
      "kpti: TSS outside the entry area, kernel tables (no KPTI): \(describe("outside-without-kpti"))",
      demonstrated ? "kpti: Gerst's objection shown on the CPU" : "kpti: NOT DEMONSTRATED",
    ]
  }
}
