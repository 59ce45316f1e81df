import IOPBCommands
import IOPBCost
import Testing

@Suite struct CalibrateTests {
  @Test func writesAProfileThatReadsBack() throws {
    let report = try IOPB.Calibrate.parse(["--repetitions", "10"]).execute()
    #expect(report.exitCode == 0)
    let profile = try CycleProfile.parse(report.output, source: "calibrated")
    #expect(profile.name == "calibrated")
    #expect(profile.figures[.copyPerByteL1]?.source.contains("[OWN]") == true)
    #expect(profile[.taskRegisterLoad] == CycleProfile.default[.taskRegisterLoad])
    #if arch(x86_64) || arch(i386)
      #expect(profile.figures[.copyPerByteCold]?.source.contains("source flushed by CLFLUSH") == true)
    #endif
  }

  static let usageCases: [UsageCase] = [
    UsageCase(arguments: ["--repetitions", "0"], message: "--repetitions must be positive, not 0"),
    UsageCase(arguments: ["--repetitions", "10000001"], message: "--repetitions must be at most 10000000, not 10000001"),
    UsageCase(
      arguments: ["--timeout=-1"], message: "--timeout must be a number of seconds above 0 and at most 604800"),
    UsageCase(arguments: ["--ghz", "0"], message: "--ghz must be positive"),
    UsageCase(arguments: ["--ghz", "inf"], message: "--ghz must be positive"),
  ]

  @Test(arguments: usageCases)
  func badCountsAreUsageErrors(_ testCase: UsageCase) throws {
    let error = try #require(usageError(IOPB.Calibrate.self, testCase.arguments))
    #expect(error.exitCode == 64)
    #expect(error.message == testCase.message, "\(error.message)")
  }

  @Test func anUnwritableOutputExitsOneNamingTheFile() throws {
    let report = try IOPB.Calibrate.parse(["--repetitions", "1", "--output", "/nonexistent/dir/x.profile"]).execute()
    #expect(report.exitCode == 1)
    #expect(report.output.isEmpty)
    #expect(report.diagnostics.hasPrefix("error: /nonexistent/dir/x.profile: cannot write: "))
  }

  /// A timeout that has passed before the first measurement: nothing is measured, no profile
  /// is printed, exit 3 with one line saying why.
  @Test func aPassedTimeoutStopsBeforeMeasuring() throws {
    let report = try IOPB.Calibrate.parse(["--repetitions", "10", "--timeout", "1e-9"]).execute()
    #expect(report.exitCode == 3)
    #expect(!report.output.contains("copy.per_byte"))
    #expect(report.diagnostics == "calibrate: stopped by --timeout after 0 of 6 measurements; no profile written")
  }
}
