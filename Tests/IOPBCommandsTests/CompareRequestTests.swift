import Foundation
import IOPBCost
import IOPBCommands
import IOPBReports
import IOPBSimulator
import IOPBStrategies
import Testing

@Suite struct CompareRequestTests {
  static func request(_ configure: (inout CompareRequest) -> Void) -> CompareRequest {
    var request = CompareRequest()
    request.strategies = ["linux-5.5"]
    request.switches = 60
    configure(&request)
    return request
  }

  @Test func unknownWorkloadExits64WithOneLine() {
    let report = Self.request { $0.workloads = ["no-such-workload"] }.execute()
    #expect(report.exitCode == 64)
    #expect(report.output.isEmpty)
    #expect(!report.diagnostics.contains("\n"))
    #expect(report.diagnostics.contains("unknown workload 'no-such-workload'"))
  }

  @Test func unknownStrategyExits64() {
    let report = Self.request { $0.strategies = ["linux-9.9"] }.execute()
    #expect(report.exitCode == 64)
    #expect(report.diagnostics.contains("unknown strategy 'linux-9.9'"))
  }

  @Test func unknownFormatExits64() {
    let report = Self.request { $0.format = "xml" }.execute()
    #expect(report.exitCode == 64)
    #expect(report.diagnostics.contains("unknown format 'xml'"))
  }

  @Test func missingProfileFileExits64() {
    let report = Self.request { $0.profile = "/nonexistent/x.profile" }.execute()
    #expect(report.exitCode == 64)
    #expect(report.diagnostics.hasPrefix("error: /nonexistent/x.profile: "))
  }

  @Test func builtInProfileByName() {
    let report = Self.request {
      $0.profile = "molnar-2004"
      $0.workloads = ["rt-poller"]
    }.execute()
    #expect(report.exitCode == 0)
    #expect(report.output.hasPrefix("profile molnar-2004: switch.base 1250 cycles"))
  }

  @Test func reproductionsRunByName() {
    let report = Self.request {
      $0.profile = "molnar-2004"
      $0.workloads = ["molnar-yield-0x80"]
      $0.strategies = ["linux-5.5"]
    }.execute()
    #expect(report.exitCode == 0)
    #expect(report.output.contains("molnar-yield-0x80"))
  }

  @Test func csvHasAHeaderAndOneLinePerRun() {
    let report = Self.request {
      $0.format = "csv"
      $0.workloads = ["rt-poller", "hwclock"]
    }.execute()
    let lines = report.output.split(separator: "\n")
    #expect(report.exitCode == 0)
    #expect(lines.count == 3)
    #expect(lines.first?.hasPrefix("workload,strategy,switches,mean_cycles,p50_cycles,p99_cycles,") == true)
    #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",").count == lines[0].split(separator: ",").count })
  }

  @Test func sameSeedGivesByteIdenticalJSON() {
    let request = Self.request {
      $0.format = "json"
      $0.workloads = ["migration-heavy", "fork-heavy"]
      $0.strategies = []
      $0.seed = 42
    }
    let first = request.execute()
    let second = request.execute()
    #expect(first.exitCode == 0)
    #expect(Array(first.output.utf8) == Array(second.output.utf8))
    #expect(first.output.contains("\"seed\": 42"))
    let parsed = try? JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any]
    #expect((parsed?["results"] as? [Any])?.count == 2 * StrategyCatalog.all.count)
    var other = request
    other.seed = 43
    #expect(other.execute().output != first.output)
  }
}

@Suite struct CompareRequestOptionTests {
  @Test func showProfilePrintsEveryFigureWithItsSource() throws {
    var request = CompareRequest()
    request.profile = "molnar-2004"
    request.showProfile = true
    let report = request.execute()
    #expect(report.exitCode == 0)
    let profile = try CycleProfile.parse(report.output, source: "shown")
    #expect(profile.name == "molnar-2004")
    #expect(report.output.contains("switch.base = 1250  # costs.md §2"))
  }

  @Test func setOverridesOneFigure() throws {
    var request = CompareRequest()
    request.profile = "molnar-2004"
    request.settings = ["ltr=20", "invlpg = 880"]
    request.showProfile = true
    let profile = try CycleProfile.parse(request.execute().output, source: "shown")
    #expect(profile[.taskRegisterLoad] == 20)
    #expect(profile[.pageInvalidation] == 880)
    #expect(profile[.switchBase] == 1250)
    request.settings = ["ltr"]
    let bad = request.execute()
    #expect(bad.exitCode == 64)
    #expect(bad.diagnostics == "error: --set:1: expected `key = value`, found 'ltr'")
  }

  @Test func maxEventsGivesPartialRows() {
    var request = CompareRequest()
    request.workloads = ["dosemu"]
    request.strategies = ["linux-5.5"]
    request.maxEvents = 50
    request.format = "csv"
    let report = request.execute()
    #expect(report.exitCode == 0)
    #expect(report.output.split(separator: "\n").last?.hasSuffix(",yes") == true)
  }

  @Test func malformedProfileFileExits64WithFileAndLine() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("iopb-bad-\(getpid()).profile").path
    try "ltr = 150\ninvlpg == 3\n".write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    var request = CompareRequest()
    request.profile = path
    let report = request.execute()
    #expect(report.exitCode == 64)
    #expect(report.diagnostics == "error: \(path):2: '= 3' is not a number (write 12, 0.5 or 1/32)")
  }

  /// `iopb compare` with everything built in exits 0: the limited designs' violations are
  /// explained by their limitations and listed as notes.
  @Test func builtInCompareExitsZeroWithExplainedViolationsAsNotes() {
    let report = CompareRequest().execute()
    #expect(report.exitCode == 0, "\(report.diagnostics)")
    let lines = report.diagnostics.split(separator: "\n")
    #expect(!lines.isEmpty)
    #expect(lines.allSatisfy { $0.hasPrefix("note: ") }, "\(report.diagnostics)")
  }
}
