import ArgumentParser
import Foundation
import IOPBCommands
import Testing

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

func scenarioPath(_ name: String) -> String {
  repositoryRoot.appendingPathComponent("scenarios").appendingPathComponent(name).path
}

func temporaryFile(_ text: String, name: String = "case.scn") throws -> String {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("iopb-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  let file = directory.appendingPathComponent(name)
  try Data(text.utf8).write(to: file)
  return file.path
}

/// `iopb run` with `arguments`, parsed and validated as on the command line.
func iopbRun(_ arguments: [String]) throws -> CommandOutput {
  try IOPB.Run.parse(arguments).execute()
}

@Suite struct RunTests {
  /// Every `*.scn` file of `scenarios/`, listed rather than named.
  static let repositoryScenarios: [String] = {
    let directory = repositoryRoot.appendingPathComponent("scenarios").path
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return files.filter { $0.hasSuffix(".scn") }.sorted()
  }()

  @Test func repositoryScenariosAreListed() {
    #expect(Self.repositoryScenarios.contains("lifecycle.scn"))
  }

  @Test(arguments: repositoryScenarios)
  func repositoryScenariosPass(_ name: String) throws {
    let report = try iopbRun([scenarioPath(name), "--strategy", "linux-5.5"])
    #expect(report.exitCode == 0, "\(report.output)\n\(report.diagnostics)")
    #expect(report.output.contains("== PASS"))
  }

  @Test func failedExpectationExitsOne() throws {
    let file = try temporaryFile("process a cpu0\na: inb 0x80 -> allow\n")
    let report = try iopbRun([file, "--strategy", "linux-5.5"])
    #expect(report.exitCode == 1)
    #expect(report.output.contains("FAIL: expected allow"))
  }

  @Test func malformedFileExitsSixtyFourWithFileAndLine() throws {
    let file = try temporaryFile("process a cpu0\na: ioperm 1 2\n", name: "bad.scn")
    let report = try iopbRun([file, "--strategy", "linux-5.5"])
    #expect(report.exitCode == 64)
    #expect(report.diagnostics == "\(file):2:4: error: usage: ioperm FROM NUM ON")
  }

  @Test func unreadableAndBinaryFilesAreReportedNotCrashed() throws {
    let missing = try iopbRun(["/nonexistent/x.scn", "--strategy", "linux-5.5"])
    #expect(missing.exitCode == 64)
    #expect(missing.diagnostics == "/nonexistent/x.scn:0:0: error: no such file")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("iopb-bin-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let binary = directory.appendingPathComponent("b.scn")
    try Data([0xFF, 0xFE, 0x00, 0xC3]).write(to: binary)
    let report = try iopbRun([binary.path, "--strategy", "linux-5.5"])
    #expect(report.exitCode == 64)
    #expect(report.diagnostics == "\(binary.path):1:1: error: the text is not valid UTF-8 here")
  }

  /// A mutant runs from the command line: its design by name, its deviations in the file.
  @Test(arguments: [
    ("linux-5.5+tracks-bitmap-identity", "", 1), ("linux-5.5", "", 0),
    ("linux-5.5", "config deviation no-sequence-bump\n", 1), ("v2-06-16", "", 1), ("xen-pv+xsa-329", "", 0),
  ])
  func mutantsRunByNameWithDeviationsInTheFile(_ strategy: String, _ header: String, _ exitCode: Int32) throws {
    let file = try temporaryFile(
      header + "process a cpu0\na: ioperm 0x80 1 on -> ok\na: inb 0x80 -> allow\na: ioperm 0x81 1 on -> ok\na: inb 0x81 -> allow\n")
    let report = try iopbRun([file, "--strategy", strategy])
    #expect(report.exitCode == exitCode, "\(report.output)")
    #expect(report.output.hasPrefix("== \(file) (\(strategy), 1 cpu, 65536 ports)"))
  }

  @Test func unknownStrategyIsAUsageError() throws {
    #expect(throws: (any Error).self) { try IOPB.parseAsRoot(["run", "--strategy", "nope", "x.scn"]) }
    do {
      _ = try IOPB.parseAsRoot(["run", "--strategy", "nope", "x.scn"])
    } catch {
      #expect(IOPB.exitCode(for: error).rawValue == 64)
      #expect(IOPB.message(for: error).contains("unknown strategy 'nope'"))
    }
  }

  @Test func versionAndHelpAreClean() {
    #expect(IOPB.configuration.version == "0.1.0")
    #expect(IOPB.helpMessage(for: IOPB.Run.self).contains("Scenario files"))
  }
}

@Suite struct RunFormatTests {
  /// `--format json` writes one array element per readable file and keeps the exit status.
  @Test func jsonHasOneRunPerFileAndTheSameExitStatus() throws {
    let failing = try temporaryFile("process a cpu0\na: inb 0x80 -> allow")
    let files = [scenarioPath("lifecycle.scn"), failing]
    let text = try iopbRun(files)
    let json = try iopbRun(["--format", "json"] + files)
    #expect(json.exitCode == text.exitCode)
    #expect(json.exitCode == 1)
    let parsed = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]]
    #expect(parsed?.count == 2)
    #expect((parsed?.first?["strategy"] as? String) == "linux-5.5")
  }

  @Test func anUnknownFormatIsAUsageErrorNamingTheKnownOnes() throws {
    let error = try #require(usageError(IOPB.Run.self, [scenarioPath("lifecycle.scn"), "--format", "xml"]))
    #expect(error.exitCode == 64)
    #expect(error.message == "unknown format 'xml'; known: text, json")
  }
}
