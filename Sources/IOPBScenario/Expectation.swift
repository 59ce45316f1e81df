import IOPBKernel
import IOPBMachine

/// The outcome a step must have.
public enum Expectation: Sendable, Hashable, Codable, CustomStringConvertible {
  case ok
  case errno(Errno)
  case allow
  case deny
  case interruptFlag(InterruptFlagOutcome)

  // Names for the unlabelled values in the Codable form.
  enum ErrnoCodingKeys: String, CodingKey { case _0 = "errno" }
  enum InterruptFlagCodingKeys: String, CodingKey { case _0 = "outcome" }

  /// True when `outcome` meets the expectation.
  public func isMet(by outcome: StepOutcome) -> Bool {
    switch (self, outcome) {
    case (.ok, .syscall(nil, _)): true
    case (.errno(let expected), .syscall(let actual?, _)): expected == actual
    case (.allow, .access(let access)): access.allowed
    case (.deny, .access(let access)): !access.allowed
    case (.interruptFlag(let expected), .interruptFlag(let actual)): expected == actual
    default: false
    }
  }

  public var description: String {
    switch self {
    case .ok: "ok"
    case .errno(let errno): errno.name
    case .allow: "allow"
    case .deny: "deny"
    case .interruptFlag(let outcome): outcome.rawValue
    }
  }
}
