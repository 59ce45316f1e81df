/// The agent's own failure on a step (actor died, timeout, bad line): not a kernel result.
public struct GuestFailure: Sendable, Hashable {
  public var scenario: Int
  /// The step number, or -1 when the failure belongs to no step.
  public var step: Int
  public var message: String

  public init(scenario: Int, step: Int, message: String) {
    self.scenario = scenario
    self.step = step
    self.message = message
  }
}

/// What the guest agent reported, parsed from its protocol lines (`docs/oracle-protocol.md`).
public struct GuestTranscript: Sendable, Hashable {
  /// Results by scenario index, then step number: `ok`, an errno name, `allow`, `deny`, `gp`,
  /// `nop` or `exec`.
  public var results: [Int: [Int: String]] = [:]
  public var failures: [GuestFailure] = []
  /// `I KEY VALUE` lines: kernel release, CPUs, lockdown.
  public var information: [String: String] = [:]
  /// True when the agent finished every scenario.
  public var finished = false

  public init() {}

  /// Parses the protocol lines; anything else is ignored.
  public init(parsing output: String) {
    for line in output.split(whereSeparator: \.isNewline) {
      let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
      guard let tag = fields.first else { continue }
      switch tag {
      case "R" where fields.count == 4:
        guard let scenario = Int(fields[1]), let step = Int(fields[2]) else { continue }
        results[scenario, default: [:]][step] = String(fields[3])
      case "E" where fields.count >= 3:
        guard let scenario = Int(fields[1]), let step = Int(fields[2]) else { continue }
        failures.append(
          GuestFailure(scenario: scenario, step: step, message: fields.count == 4 ? String(fields[3]) : ""))
      case "I" where fields.count >= 3:
        information[String(fields[1])] = fields[2...].joined(separator: " ")
      case "DONE":
        finished = true
      default:
        continue
      }
    }
  }
}
