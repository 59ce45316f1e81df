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

/// The second KPTI case (`W`): TR on a TSS wholly outside the entry area. Nothing of the TSS is
/// reachable through the user tables, so not even the #DF can be delivered: the CPU shuts down
/// (triple fault), which QEMU under `-no-reboot` turns into an exit without `DONE`.
public struct MetalWholeOutsideReport: Sendable, Hashable {
  /// The kernel announced the attempt and QEMU then exited normally (status 0) without DONE.
  public var reset: Bool
  /// What the CPU raised instead, if it came back.
  public var returned: MetalTranscript.IsolationAttempt?

  public init(_ transcript: MetalTranscript) {
    returned = transcript.isolation.first { $0.name == "whole-outside" }
    reset = transcript.info["whole-outside"] == "begin" && !transcript.finished && returned == nil
      && transcript.info["qemu-exit"] == "0"
  }

  public var line: String {
    if reset { return "kpti: TSS wholly outside the entry area, user tables: the CPU reset (triple fault: the #DF's IST pointer is in the TSS too)" }
    if let returned { return "kpti: TSS wholly outside the entry area, user tables: trap 0x\(String(returned.vector, radix: 16))" }
    return "kpti: TSS wholly outside the entry area: no result"
  }
}
