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
    let rates = try #require(lines.firstIndex { $0.hasPrefix("strategy ") && $0.hasSuffix("vs fastest") })
    let alternation = try #require(lines.firstIndex { $0.hasPrefix("strategy ") && $0.hasSuffix("vs memcpy") })
    for table in [lines[rates...(rates + 2)], lines[alternation...(alternation + 2)]] {
      // A left column of names, the rest right-aligned: every line as long as the header.
      #expect(Set(table.map(\.count)).count == 1, "\(table)")
    }
    #expect(lines.last?.hasPrefix("cpu check: ") == true)
  }

  static let usageCases: [UsageCase] = [
    UsageCase(arguments: ["--workload", "no-such-workload"], message: "unknown workload 'no-such-workload'"),
    UsageCase(arguments: ["--strategy", "linux-9.9"], message: "unknown strategy 'linux-9.9'"),
    UsageCase(arguments: ["--switches", "0"], message: "--switches and --checks must be positive"),
    UsageCase(arguments: ["--checks", "0"], message: "--switches and --checks must be positive"),
  ]

  @Test(arguments: usageCases)
  func badOptionsAreUsageErrors(_ testCase: UsageCase) throws {
    let error = try #require(usageError(IOPB.Bench.self, testCase.arguments))
    #expect(error.exitCode == 64)
    #expect(error.message.contains(testCase.message), "\(error.message)")
  }
}
