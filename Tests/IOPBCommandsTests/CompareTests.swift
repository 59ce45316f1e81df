import Foundation
import IOPBCommands
import IOPBCost
import IOPBStrategies
import Testing

/// `iopb compare` with `arguments`, parsed and validated as on the command line.
func iopbCompare(_ arguments: [String]) throws -> CommandOutput {
  try IOPB.Compare.parse(arguments).execute()
}

@Suite struct CompareTests {
  /// One strategy for 60 switches: quick.
  static let quick = ["--strategy", "linux-5.5", "--switches", "60"]

  static let usageCases: [UsageCase] = [
    UsageCase(arguments: quick + ["--workload", "no-such-workload"], message: "unknown workload 'no-such-workload'"),
    UsageCase(arguments: ["--strategy", "linux-9.9"], message: "unknown strategy 'linux-9.9'"),
    UsageCase(arguments: quick + ["--format", "xml"], message: "unknown format 'xml'; known: table, csv, json"),
    UsageCase(arguments: ["--switches", "0"], message: "--switches must be positive, not 0"),
    UsageCase(arguments: ["--max-events", "0"], message: "--max-events must be positive, not 0"),
    UsageCase(
      arguments: ["--switches", "9223372036854775807"],
      message: "--switches must be at most 10000000, not 9223372036854775807"),
    UsageCase(
      arguments: ["--max-events", "9223372036854775807"],
      message: "--max-events must be at most 1000000000, not 9223372036854775807"),
    UsageCase(arguments: ["--timeout", "0"], message: "--timeout must be a number of seconds above 0"),
    UsageCase(arguments: ["--timeout", "nan"], message: "--timeout must be a number of seconds above 0"),
  ]

  /// A timeout that has passed at the engine's first poll: the first run stops there and is
  /// printed as partial, no other run starts, exit 3 with a line saying how far it got.
  @Test func aPassedTimeoutPrintsThePartialFirstRun() throws {
    let report = try iopbCompare(
      ["--workload", "high-port", "--switches", "10000000", "--timeout", "1e-9", "--format", "csv"])
    #expect(report.exitCode == 3)
    let lines = report.output.split(separator: "\n").map(String.init)
    #expect(lines.count == 2, "\(report.output)")
    #expect(lines.last?.hasPrefix("high-port,linux-5.5,") == true)
    #expect(lines.last?.hasSuffix(",yes") == true, "partial column: \(lines.last ?? "")")
    #expect(report.diagnostics.hasSuffix("compare: stopped by --timeout after 1 of \(StrategyCatalog.all.count) runs; the last is partial"))
  }

  /// Unknown names and counts ≤ 0 are usage errors of one line, found before anything runs.
  @Test(arguments: usageCases)
  func badOptionsExit64WithOneLine(_ testCase: UsageCase) throws {
    let error = try #require(usageError(IOPB.Compare.self, testCase.arguments))
    #expect(error.exitCode == 64)
    #expect(!error.message.contains("\n"))
    #expect(error.message.contains(testCase.message), "\(error.message)")
  }

  @Test func missingProfileFileExits64() throws {
    let report = try iopbCompare(Self.quick + ["--profile", "/nonexistent/x.profile"])
    #expect(report.exitCode == 64)
    #expect(report.output.isEmpty)
    #expect(!report.diagnostics.contains("\n"))
    #expect(report.diagnostics.hasPrefix("error: /nonexistent/x.profile: "))
  }

  @Test func builtInProfileByName() throws {
    let report = try iopbCompare(Self.quick + ["--profile", "molnar-2004", "--workload", "rt-poller"])
    #expect(report.exitCode == 0)
    #expect(report.output.hasPrefix("profile molnar-2004: switch.base 1250 cycles"))
  }

  @Test func reproductionsRunByName() throws {
    let report = try iopbCompare(Self.quick + ["--profile", "molnar-2004", "--workload", "molnar-yield-0x80"])
    #expect(report.exitCode == 0)
    #expect(report.output.contains("molnar-yield-0x80"))
  }

  @Test func csvHasAHeaderAndOneLinePerRun() throws {
    let report = try iopbCompare(Self.quick + ["--format", "csv", "--workload", "rt-poller", "--workload", "hwclock"])
    let lines = report.output.split(separator: "\n")
    #expect(report.exitCode == 0)
    #expect(lines.count == 3)
    #expect(lines.first?.hasPrefix("workload,strategy,switches,mean_cycles,p50_cycles,p99_cycles,") == true)
    #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",").count == lines[0].split(separator: ",").count })
  }

  @Test func sameSeedGivesByteIdenticalJSON() throws {
    let arguments = [
      "--switches", "60", "--format", "json", "--workload", "migration-heavy", "--workload", "fork-heavy",
    ]
    let first = try iopbCompare(arguments + ["--seed", "42"])
    let second = try iopbCompare(arguments + ["--seed", "42"])
    #expect(first.exitCode == 0)
    #expect(Array(first.output.utf8) == Array(second.output.utf8))
    #expect(first.output.contains("\"seed\" : 42"))
    let parsed = try? JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any]
    #expect((parsed?["rows"] as? [Any])?.count == 2 * StrategyCatalog.all.count)
    #expect(try iopbCompare(arguments + ["--seed", "43"]).output != first.output)
  }
}

@Suite struct CompareOptionTests {
  @Test func showProfilePrintsEveryFigureWithItsSource() throws {
    let report = try iopbCompare(["--profile", "molnar-2004", "--show-profile"])
    #expect(report.exitCode == 0)
    let profile = try CycleProfile.parse(report.output, source: "shown")
    #expect(profile.name == "molnar-2004")
    #expect(report.output.contains("switch.base = 1250  # costs.md §2"))
  }

  @Test func setOverridesOneFigure() throws {
    let shown = try iopbCompare(["--profile", "molnar-2004", "--set", "ltr=20", "--set", "invlpg = 880", "--show-profile"])
    let profile = try CycleProfile.parse(shown.output, source: "shown")
    #expect(profile[.taskRegisterLoad] == 20)
    #expect(profile[.pageInvalidation] == 880)
    #expect(profile[.switchBase] == 1250)
    let bad = try #require(usageError(IOPB.Compare.self, ["--profile", "molnar-2004", "--set", "ltr", "--show-profile"]))
    #expect(bad.exitCode == 64)
    #expect(bad.message == "--set:1: expected `key = value`, found 'ltr'")
  }

  @Test func maxEventsGivesPartialRows() throws {
    let report = try iopbCompare(["--workload", "dosemu", "--strategy", "linux-5.5", "--max-events", "50", "--format", "csv"])
    #expect(report.exitCode == 0)
    #expect(report.output.split(separator: "\n").last?.hasSuffix(",yes") == true)
  }

  @Test func malformedProfileFileExits64WithFileAndLine() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("iopb-bad-\(getpid()).profile").path
    try "ltr = 150\ninvlpg == 3\n".write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let report = try iopbCompare(["--profile", path])
    #expect(report.exitCode == 64)
    #expect(report.diagnostics == "error: \(path):2: '= 3' is not a number (write 12, 0.5 or 1/32)")
  }

  /// `iopb compare` with everything built in exits 0: the limited designs' violations are
  /// explained by their limitations and listed as notes.
  @Test func builtInCompareExitsZeroWithExplainedViolationsAsNotes() throws {
    let report = try iopbCompare([])
    #expect(report.exitCode == 0, "\(report.diagnostics)")
    let lines = report.diagnostics.split(separator: "\n")
    #expect(!lines.isEmpty)
    #expect(lines.allSatisfy { $0.hasPrefix("note: ") }, "\(report.diagnostics)")
  }
}
