import Foundation
import IOPBCost
import IOPBReports
import IOPBSimulator
import IOPBStrategies
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// A short report: two workloads, the charts' default lines, 200 switches per run.
func shortReport() throws -> ReportData {
  let chart = try ["linux-5.5", "linux-2.6.8-full", "linux-4.x-eager", "remap-invlpg", "per-thread-tss-ltr"].map {
    try #require(StrategyCatalog.strategy(named: $0))
  }
  return try ReportData.build(
    profile: .default, chartStrategies: chart, workloads: [.rtPoller, .highPort], switches: 200)
}

/// True when `text` parses as XML.
func parsesAsXML(_ text: String) -> Bool {
  XMLParser(data: Data(text.utf8)).parse()
}

@Suite struct HTMLReportTests {
  @Test func chartsParseAsXML() throws {
    let report = HTMLReport(try shortReport())
    #expect(report.svgFiles.map(\.name) == ["extent.svg", "io-share.svg"])
    for file in report.svgFiles { #expect(parsesAsXML(file.text), "\(file.name)") }
    // Every chart inside the page too.
    let pieces = report.html.components(separatedBy: "<svg ").dropFirst()
    #expect(pieces.count == 2)
    for piece in pieces {
      let end = try #require(piece.range(of: "</svg>"))
      #expect(parsesAsXML("<svg " + piece[..<end.upperBound]))
    }
  }

  /// No script, nothing fetched: every `href` is an anchor, there is no `src`, and the only
  /// URL in an attribute is SVG's namespace.
  @Test func pageIsSelfContained() throws {
    let html = HTMLReport(try shortReport()).html
    #expect(!html.lowercased().contains("<script"))
    #expect(!html.contains("src="))
    #expect(!html.contains("@import") && !html.contains("url("))
    let hrefs = html.components(separatedBy: "href=\"").dropFirst()
    #expect(!hrefs.isEmpty)
    #expect(hrefs.allSatisfy { $0.hasPrefix("#") })
    let attributes = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
    #expect(!attributes.contains("=\"http://") && !attributes.contains("=\"https://"))
  }

  @Test func sameInputsGiveTheSamePage() throws {
    #expect(HTMLReport(try shortReport()).html == HTMLReport(try shortReport()).html)
  }

  /// The page shows what it promises: cycles and ns per workload, crossings, bands with their
  /// source, KPTI, and the profile's figures with their sources.
  @Test func pageCarriesEverySection() throws {
    let data = try shortReport()
    let html = HTMLReport(data).html
    for workload in data.workloads { #expect(html.contains("<th>\(workload.name)<br>")) }
    #expect(html.contains(" ns</span>"))
    #expect(html.contains("Band for invlpg 200–880 cycles"))
    #expect(html.contains(try #require(CitedRange.all[.taskRegisterLoad]).source))
    for facts in data.strategies where !facts.kptiCompatible { #expect(html.contains("<tr><th>\(facts.name)</th><td><span class=\"bad\">no</span>")) }
    for key in CostKey.allCases { #expect(html.contains("<tr><th>\(key.rawValue)</th>"), "\(key.rawValue)") }
    #expect(!data.extentChart.crossings.isEmpty)
    #expect(data.extentChart.bands.contains { $0.strategy == "remap-invlpg" && $0.range.key == .pageInvalidation })
    #expect(data.extentChart.bands.contains { $0.strategy == "per-thread-tss-ltr" && $0.range.key == .taskRegisterLoad })
    // A copy design pays neither INVLPG nor LTR: no band.
    #expect(!data.extentChart.bands.contains { $0.strategy == "linux-2.6.8-full" })
  }

  /// The `--trace` seam: a column made from simulation results shows like a built-in one.
  @Test func aReplayedWorkloadIsAnotherColumn() throws {
    var data = try shortReport()
    let results = StrategyCatalog.all.map {
      Simulator.simulate(Workload.roundRobin(extentBytes: 64, ioShare: 0.25, switches: 100), strategy: $0)
    }
    data.workloads.append(ReportWorkload(name: "sched.trace", origin: "trace sched.trace", results: results))
    let html = HTMLReport(data).html
    #expect(html.contains("<th>sched.trace<br><span class=\"ns\">trace sched.trace</span></th>"))
  }

  @Test func firstSevenLineStylesShareNothing() {
    let styles = (0..<7).map(ChartStyle.line)
    #expect(Set(styles.map(\.colour)).count == 7)
    #expect(Set(styles.map(\.dash)).count == 7)
    #expect(Set(styles.map(\.marker)).count == 7)
    let many = (0..<49).map(ChartStyle.line)
    #expect(Set(many).count == 49)
  }
}

@Suite struct CheckerSummaryTests {
  @Test func readsTheMutantsJSON() throws {
    let json = """
      {"schema": "iopb-check-mutants/1", "passed": true, "mutants": [
        {"name": "xsa-329", "design": "xen-pv+xsa-329", "deviations": [], "summary": "s", "source": "XSA-329",
         "expected": "caught", "outcome": "caught", "met_expectation": true,
         "result": {"bounds": {"summary": "2 CPUs"}, "conclusion": "VIOLATION after 5 steps"}}]}
      """
    let summary = try CheckerSummary.parse(Data(json.utf8), file: "m.json")
    #expect(summary.passed && summary.bounds == "2 CPUs")
    #expect(summary.rows.map(\.mutant) == ["xsa-329"])
    #expect(summary.rows.first?.conclusion == "VIOLATION after 5 steps")
  }

  @Test(arguments: [
    ("[]", "m.json: not a JSON object"),
    ("{\"schema\": \"iopb-check/1\"}", "m.json: schema is not iopb-check-mutants/1"),
    ("{\"schema\": \"iopb-check-mutants/1\", \"passed\": true, \"mutants\": [{}]}", "m.json: mutant 1 lacks"),
  ])
  func refusesOtherFiles(_ text: String, _ message: String) {
    do {
      _ = try CheckerSummary.parse(Data(text.utf8), file: "m.json")
      Issue.record("accepted \(text)")
    } catch {
      #expect(error.description.hasPrefix(message), "\(error.description)")
    }
  }
}
