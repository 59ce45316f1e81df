import Foundation
import IOPBReports
import IOPBScenario
import IOPBStrategies
import Testing

/// `iopb run --format json` is the Codable encoding of the runs, and it conforms to
/// `docs/schema/scenario-runs.schema.json`.
@Suite struct ScenarioRunJSONTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../..").standardized

  func schema() throws -> JSONSchemaSubset {
    let path = Self.repository.appendingPathComponent("docs/schema/scenario-runs.schema.json").path
    return JSONSchemaSubset(root: try JSONValue.parse(String(contentsOfFile: path, encoding: .utf8)))
  }

  /// The repository's scenarios, and runs with every shape the schema describes: a leak and a
  /// broken invariant (an injected defect), I/O workers and CLI/STI, a deviation with its
  /// reference kernel, an injected allocation failure, and a step that cannot be taken.
  func runs() throws -> [ScenarioRun] {
    let folder = Self.repository.appendingPathComponent("scenarios").path
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".scn") }.sorted()
    var runs = try files.map { file in
      ScenarioRunner.run(try Scenario.load(contentsOf: folder + "/" + file), strategy: Linux55Strategy())
    }
    let texts: [(String, Linux55Strategy)] = [
      ("process a cpu0\nprocess b cpu0\na: ioperm 0x80 1 1\na: inb 0x80\nb: inb 0x80", Linux55Strategy(defects: [.keepsBaseOnSwitchOut])),
      ("cpus 2\nprocess a cpu0\na: iopl 3\na: cli -> nop\na: ioworker w cpu1\nw: ioworker w2\nw: exit\nvmexit cpu0\na: migrate cpu1", Linux55Strategy()),
      ("config deviation fork-drops-permissions\nprocess a cpu0\na: ioperm 0x80 1 1\ninject enomem\na: fork b -> ENOMEM\na: fork c\nc: inb 0x80", Linux55Strategy()),
      ("process a cpu0\na: exit\na: inb 0x80", Linux55Strategy()),
    ]
    for (text, strategy) in texts {
      runs.append(ScenarioRunner.run(try ScenarioParser.parse(text, source: "t.scn"), strategy: strategy))
    }
    return runs
  }

  @Test func theJSONConformsToTheSchema() throws {
    let runs = try runs()
    #expect(runs.contains { $0.violationCount > 0 })
    #expect(runs.contains { $0.records.contains { !$0.invariantViolations.isEmpty } })
    #expect(runs.contains { $0.error != nil })
    let problems = try schema().problems(of: try JSONValue.parse(ScenarioRun.json(runs)))
    #expect(problems == [], "\(problems.prefix(5))")
  }

  @Test func theJSONDecodesToTheSameRunsAndIsStable() throws {
    let runs = try runs()
    let text = ScenarioRun.json(runs)
    #expect(try JSONDecoder().decode([ScenarioRun].self, from: Data(text.utf8)) == runs)
    #expect(ScenarioRun.json(try self.runs()) == text)
    #expect(!text.contains("\"_0\"") && !text.contains("\"_1\""), "every value has a name")
  }
}
