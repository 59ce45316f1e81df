import Foundation
import IOPBKernel
import IOPBOracle
import IOPBScenario
import Testing

/// The repository root, found from this file's path.
private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// End-to-end runs on the real kernel. They boot QEMU, so they run when `scripts/test` has
/// installed it and set IOPB_ORACLE=1 (CI always does).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["IOPB_ORACLE"] == "1"), .serialized)
struct QEMUOracleTests {
  func load(_ name: String) throws -> Scenario {
    let path = root.appendingPathComponent("scenarios/\(name)").path
    return try ScenarioParser.parse(String(contentsOfFile: path, encoding: .utf8), source: path)
  }

  /// One boot: the selftests agree as they are, and the oracle catches each flipped rule.
  @Test func selftestsAgreeAndFlippedRulesAreCaught() async throws {
    let errnoOrder = OracleSupport.supportedPrefix(try load("errno-order.scn")).scenario
    let scenarios = [
      try load("selftest-ioperm.scn"), try load("selftest-iopl.scn"), errnoOrder, try load("lifecycle.scn"),
    ]
    let program = GuestProgram.compile(scenarios)
    let guest = QEMUGuest(bootScript: root.appendingPathComponent("scripts/oracle-boot").path)
    let transcript = try await guest.run(program)
    // The kernel that ran is the one asked for (scripts/test runs this suite on each).
    let release = OracleKernel(name: ProcessInfo.processInfo.environment["IOPB_ORACLE_RELEASE"] ?? "bookworm")
    #expect(release != nil)
    #expect(transcript.information["kernel"]?.hasPrefix((release?.series ?? "?") + ".") == true)
    let faithful = OracleComparison.compare(scenarios, program: program, transcript: transcript)
    #expect(faithful.agrees, "\(faithful.disagreements.map(\.description).joined(separator: "\n"))")
    #expect(faithful.steps > 50)
    for deviation in OracleSupport.observableDeviations {
      let flipped = OracleComparison.compare(
        scenarios, program: program, transcript: transcript, deviations: [deviation])
      #expect(!flipped.disagreements.isEmpty, "flipping \(deviation) went unnoticed")
    }
  }
}
