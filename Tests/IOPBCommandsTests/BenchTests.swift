import IOPBCommands
import Testing

@Suite struct BenchTests {
  /// Two strategies, ten switches and checks: the layout, not the timings.
  @Test func tablesAreAligned() throws {
    let report = try IOPB.Bench.parse(
      ["--switches", "10", "--checks", "10", "--strategy", "linux-5.5", "--strategy", "windows-nt"]
    ).execute()
    #expect(report.exitCode == 0)
    let lines = report.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let rates = try #require(lines.firstIndex { $0.hasPrefix("strategy ") && $0.hasSuffix("copies") })
    let alternation = try #require(lines.firstIndex { $0.hasPrefix("strategy ") && $0.hasSuffix("vs aligned") })
    for table in [lines[rates...(rates + 2)], lines[alternation...(alternation + 2)]] {
      // A left column of names, the rest right-aligned: every line as long as the header.
      #expect(Set(table.map(\.count)).count == 1, "\(table)")
    }
    #expect(lines.last?.hasPrefix("cpu check: ") == true)
  }

  static let usageCases: [UsageCase] = [
    UsageCase(arguments: ["--workload", "no-such-workload"], message: "unknown workload 'no-such-workload'"),
    UsageCase(arguments: ["--strategy", "linux-9.9"], message: "unknown strategy 'linux-9.9'"),
    UsageCase(arguments: ["--switches", "0"], message: "--switches must be positive, not 0"),
    UsageCase(arguments: ["--checks", "0"], message: "--checks must be positive, not 0"),
    UsageCase(arguments: ["--switches", "9223372036854775807"], message: "--switches must be at most 10000000"),
    UsageCase(arguments: ["--checks", "100000001"], message: "--checks must be at most 100000000"),
    UsageCase(arguments: ["--timeout", "0"], message: "--timeout must be a number of seconds above 0"),
    UsageCase(arguments: ["--ioperm", "lpt"], message: "--ioperm 'lpt': expected SELECTOR:GRANT"),
  ]

  @Test(arguments: usageCases)
  func badOptionsAreUsageErrors(_ testCase: UsageCase) throws {
    let error = try #require(usageError(IOPB.Bench.self, testCase.arguments))
    #expect(error.exitCode == 64)
    #expect(error.message.contains(testCase.message), "\(error.message)")
  }

  /// The aims print as ratios: switches/s of the non-copying designs against 2 million, a
  /// copying switch against the memcpy of its bytes.
  @Test func theAimsArePrintedAsRatios() throws {
    let report = try IOPB.Bench.parse(
      ["--switches", "20", "--checks", "10", "--strategy", "remap-invlpg", "--strategy", "linux-2.6.8-full"]
    ).execute()
    #expect(report.exitCode == 0)
    let aims = report.output.split(separator: "\n").filter { $0.hasPrefix("aim: ") }
    #expect(aims.count == 2, "\(report.output)")
    #expect(aims.first?.contains("slowest remap-invlpg") == true, "\(report.output)")
    #expect(aims.last?.contains("worst linux-2.6.8-full") == true, "\(report.output)")
  }

  /// A timeout that has passed before the first measurement: the headers only, exit 3.
  @Test func aPassedTimeoutStopsBeforeMeasuring() throws {
    let report = try IOPB.Bench.parse(["--switches", "10", "--timeout", "1e-9"]).execute()
    #expect(report.exitCode == 3)
    #expect(!report.output.contains("cpu check:"))
    #expect(report.diagnostics == "bench: stopped by --timeout; the measurements above are those taken")
  }
}
