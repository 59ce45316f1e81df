import Foundation
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
    UsageCase(arguments: ["--ghz", "1e308"], message: "--ghz must be at most 1000 (GHz)"),
  ]

  @Test(arguments: usageCases)
  func badCountsAreUsageErrors(_ testCase: UsageCase) throws {
    let error = try #require(usageError(IOPB.Calibrate.self, testCase.arguments))
    #expect(error.exitCode == 64)
    #expect(error.message == testCase.message, "\(error.message)")
  }

  /// A fresh folder for one test.
  func folder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("iopb-calibrate-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  @Test func theFastestClockAllowedWritesAProfileThatCompareLoads() throws {
    let path = try folder() + "/fast.profile"
    let report = try IOPB.Calibrate.parse(["--repetitions", "10", "--ghz", "1000", "-o", path]).execute()
    #expect(report.exitCode == 0)
    #expect(report.output == "wrote \(path)")
    #expect(try CycleProfile.load(path)[.clockGHz] == 1000)
  }

  /// Whatever the figures, what calibrate would write is first read back as compare reads it.
  @Test func aProfileCompareWouldRefuseIsNeitherPrintedNorWritten() throws {
    var profile = CycleProfile.default
    profile.figures[.copyStartup] = CostFigure(.infinity, source: "a clock of 1e308 GHz")
    let path = try folder() + "/inf.profile"
    for output in [nil, path] {
      let report = IOPB.Calibrate.emit(profile, to: output)
      #expect(report.exitCode == 64)
      #expect(report.output.isEmpty)
      #expect(report.diagnostics.contains("'copy.startup' must be from 0 to 1e9"), "\(report.diagnostics)")
    }
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  /// What `-o` refuses, exit 73 with "wrote" never printed: the target of a link, a FIFO, a
  /// device and a folder are left as they were.
  @Test func outputsThatAreNotRegularFilesAreRefused() throws {
    let folder = try folder()
    try Data("kept\n".utf8).write(to: URL(fileURLWithPath: folder + "/target"))
    #expect(symlink(folder + "/target", folder + "/link") == 0)
    #expect(mkfifo(folder + "/fifo", 0o600) == 0)
    let cases = [
      (folder + "/link", "is a symbolic link; only a new path or a regular file is written"),
      (folder + "/fifo", "is a FIFO; only a new path or a regular file is written"),
      ("/dev/null", "is a character device; only a new path or a regular file is written"),
      (folder, "is a folder; only a new path or a regular file is written"),
      (folder + "/no/x.profile", "its folder does not exist"),
    ]
    for (path, reason) in cases {
      let report = IOPB.Calibrate.emit(.default, to: path)
      #expect(report.exitCode == 73)
      #expect(report.output.isEmpty)
      #expect(report.diagnostics == "error: \(path): cannot write: \(reason)")
    }
    #expect(FileManager.default.contents(atPath: folder + "/target") == Data("kept\n".utf8))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["fifo", "link", "target"])
  }

  @Test func anUnwritableOutputExitsSeventyThreeNamingTheFile() throws {
    let report = try IOPB.Calibrate.parse(["--repetitions", "1", "--output", "/nonexistent/dir/x.profile"]).execute()
    #expect(report.exitCode == 73)
    #expect(report.output.isEmpty)
    #expect(report.diagnostics == "error: /nonexistent/dir/x.profile: cannot write: its folder does not exist")
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
