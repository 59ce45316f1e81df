import Foundation
import IOPBCommands
import IOPBSimulator
import Testing

/// `iopb sweep` with `arguments`, parsed and validated as on the command line.
func iopbSweep(_ arguments: [String]) throws -> CommandOutput {
  try IOPB.Sweep.parse(arguments).execute()
}

@Suite struct SweepCommandTests {
  /// Two strategies, short runs: quick.
  static let quick = ["--strategy", "linux-2.6.8-full", "--strategy", "remap-invlpg", "--switches", "200"]

  static let usageCases: [UsageCase] = [
    UsageCase(arguments: ["--axis", "bogus"], message: "--axis 'bogus': unknown parameter 'bogus'"),
    UsageCase(arguments: ["--axis", "extent=12"], message: "extent 12 is not a whole number of 8-byte longs"),
    UsageCase(arguments: ["--axis", "invlpg=1...2"], message: "a range needs a step"),
    UsageCase(arguments: [], message: "give one or two --axis, not 0"),
    UsageCase(arguments: ["--axis", "ltr=1", "--axis", "invlpg=1", "--axis", "tlb_miss=1"], message: "give one or two --axis, not 3"),
    UsageCase(arguments: ["--axis", "extent", "--workload", "high-port"], message: "cannot be combined with --workload"),
    UsageCase(arguments: ["--axis", "ltr", "--format", "xml"], message: "unknown format 'xml'"),
    UsageCase(arguments: ["--axis", "ltr", "--strategy", "linux-9.9"], message: "unknown strategy 'linux-9.9'"),
    UsageCase(arguments: ["--axis", "ltr", "--io-share", "0.33"], message: "--io-share: io-share 0.33 is not a multiple"),
    UsageCase(arguments: ["--axis", "ltr", "--switches", "0"], message: "--switches must be positive, not 0"),
    UsageCase(arguments: ["--axis", "ltr", "--profile", "/nonexistent/p"], message: "/nonexistent/p: no such profile file"),
  ]

  @Test(arguments: usageCases)
  func badOptionsExit64WithOneLine(_ testCase: UsageCase) throws {
    let error = try #require(usageError(IOPB.Sweep.self, testCase.arguments))
    #expect(error.exitCode == 64)
    #expect(!error.message.contains("\n"))
    #expect(error.message.contains(testCase.message), "\(error.message)")
  }

  /// The table names the crossover; JSON decodes back to the same result, byte-identical on a
  /// second run; CSV has one line per point and strategy.
  @Test func formatsAgreeAndAreDeterministic() throws {
    let axis = ["--axis", "invlpg=0...400:40"]
    let table = try iopbSweep(Self.quick + axis)
    #expect(table.exitCode == 0)
    #expect(table.output.contains("cheapest changes from remap-invlpg to linux-2.6.8-full at invlpg ≈ "))
    let json = try iopbSweep(Self.quick + axis + ["--format", "json"])
    #expect(json.output == (try iopbSweep(Self.quick + axis + ["--format", "json"])).output)
    let decoded = try JSONDecoder().decode(SweepResult.self, from: Data(json.output.utf8))
    #expect(decoded.points.count == 11)
    #expect(decoded.crossovers.count == 1)
    #expect(decoded.strategies == ["linux-2.6.8-full", "remap-invlpg"])
    let csv = try iopbSweep(Self.quick + axis + ["--format", "csv"]).output.split(separator: "\n")
    #expect(csv.first == "workload,invlpg,strategy,cycles_per_switch,ns_per_switch,violations,explained,failed,cheapest")
    #expect(csv.count == 1 + 11 * 2)
  }

  /// A design whose run stops at a violation its limitations explain shows `limit`, exit 0.
  @Test func explainedViolationsAreMarkedNotFatal() throws {
    let output = try iopbSweep(["--axis", "extent=64,256", "--strategy", "netbsd-i386", "--switches", "100"])
    #expect(output.exitCode == 0)
    let rows = output.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    #expect(rows.contains { $0.first == "256" && $0.contains("limit") })
    #expect(rows.contains { $0.first == "64" && !$0.contains("limit") })
  }
}

@Suite struct ReportCommandTests {
  static let quick = [
    "--workload", "rt-poller", "--strategy", "linux-5.5", "--strategy", "remap-invlpg", "--chart-strategy", "linux-5.5",
    "--chart-strategy", "remap-invlpg", "--switches", "100",
  ]

  @Test func writesThePageAndTheCharts() throws {
    let folder = NSTemporaryDirectory() + "iopb-report-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let output = try IOPB.Report.parse(Self.quick + ["--out", folder]).execute()
    #expect(output.exitCode == 0, "\(output.diagnostics)")
    #expect(output.output.split(separator: "\n") == ["report.html", "extent.svg", "io-share.svg"].map { Substring(folder + "/" + $0) })
    let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("Not included: write the result with"))
  }

  /// A replayed trace is one more column of the table, after the built-in workloads.
  @Test func aTraceIsOneMoreColumn() throws {
    let folder = NSTemporaryDirectory() + "iopb-report-trace-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let output = try IOPB.Report.parse(Self.quick + ["--out", folder, "--trace", sampleTracePath] + samplePortOptions).execute()
    #expect(output.exitCode == 0, "\(output.diagnostics)")
    let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
    #expect(html.contains("hackbench-ioport.trace.gz"))
    #expect(html.contains("trace \(sampleTracePath)"))
  }

  @Test func anUnreadableTraceExits65() throws {
    let output = try IOPB.Report.parse(Self.quick + ["--out", "/tmp/iopb-unused", "--trace", "/nonexistent.trace"]).execute()
    #expect(output.exitCode == 65)
    #expect(output.diagnostics.contains("/nonexistent.trace"))
  }

  @Test func unwritableFolderExits73() throws {
    let output = try IOPB.Report.parse(Self.quick + ["--out", "/proc/iopb-report"]).execute()
    #expect(output.exitCode == 73)
    #expect(output.diagnostics.hasPrefix("error: /proc/iopb-report: cannot create the folder"))
  }

  @Test(arguments: [
    (["--mutants", "/nonexistent/m.json"], "/nonexistent/m.json:0:0: error: no such file"),
    (["--mutants", "/tmp"], "/tmp:0:0: error: is a folder, not a file"),
    (["--chart-strategy", "nope"], "unknown strategy 'nope'"),
    (["--switches", "0"], "--switches must be positive"),
    (["--ioperm", "lpt"], "--ioperm 'lpt': expected SELECTOR:GRANT"),
  ])
  func badInputExits64(_ arguments: [String], _ message: String) throws {
    let error = try #require(usageError(IOPB.Report.self, arguments))
    #expect(error.exitCode == 64)
    #expect(!error.message.contains("\n"))
    #expect(error.message.contains(message), "\(error.message)")
  }
}
