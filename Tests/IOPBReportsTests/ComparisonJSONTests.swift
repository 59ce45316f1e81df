import Foundation
import IOPBKernel
import IOPBReports
import IOPBSimulator
import IOPBStrategies
import Testing

/// `iopb compare --format json` is the Codable encoding of a ``Comparison``, and it conforms
/// to `docs/schema/comparison.schema.json`.
@Suite struct ComparisonJSONTests {
  static let schemaPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../docs/schema/comparison.schema.json").standardized.path

  func schema() throws -> JSONSchemaSubset {
    JSONSchemaSubset(root: try JSONValue.parse(String(contentsOfFile: Self.schemaPath, encoding: .utf8)))
  }

  /// A comparison with a clean run, explained violations (netbsd-i386 above port 1024), an
  /// unexplained one, a broken invariant and a failure: every shape the schema describes.
  func varied() throws -> Comparison {
    var comparison = Comparison.run(
      workloads: [.highPort, .rtPoller], strategies: [Linux55Strategy(), NetBSDi386Strategy(), NeverInstallingNetBSD()],
      profile: .default, seed: 5, duration: .switches(40))
    let index = try #require(comparison.rows.firstIndex { $0.isClean })
    comparison.rows[index].violations.append(
      SimulationViolation(
        microseconds: 7, finding: .invariant(InvariantViolation(.dirtyTail(offset: 3, extent: 1), at: .cpu(0))),
        explained: false))
    comparison.rows[index].violations.append(
      SimulationViolation(
        microseconds: 8, finding: .invariant(.kernel(.allPortsDenied(BitmapID(rawValue: 2)))), explained: false))
    comparison.rows[index].failure = "at 9 µs: a test failure"
    return comparison
  }

  @Test func theJSONConformsToTheSchema() throws {
    let comparison = try varied()
    #expect(comparison.rows.contains { $0.violations.contains(where: \.explained) })
    #expect(comparison.rows.contains { !$0.unexplainedViolations.isEmpty })
    let document = try JSONValue.parse(comparison.rendered(as: .json))
    let problems = try schema().problems(of: document)
    #expect(problems == [], "\(problems.prefix(5))")
  }

  @Test func theSchemaRejectsWhatItDoesNotDescribe() throws {
    let schema = try schema()
    let good = try JSONValue.parse(try varied().rendered(as: .json))
    guard case .object(var top) = good, case .array(var rows)? = top["rows"], case .object(var row) = rows[0] else {
      Issue.record("not an object with rows")
      return
    }
    row["switches"] = .string("many")
    row["unknown_member"] = .integer(1)
    row["statistics"] = nil
    rows[0] = .object(row)
    top["rows"] = .array(rows)
    let problems = schema.problems(of: .object(top))
    #expect(problems.contains("$.rows[0]: missing statistics"))
    #expect(problems.contains("$.rows[0]: unexpected member unknown_member"))
    #expect(problems.contains { $0.hasPrefix("$.rows[0].switches: expected integer") })
  }

  @Test func theJSONDecodesToTheSameComparison() throws {
    let comparison = try varied()
    let decoded = try JSONDecoder().decode(Comparison.self, from: Data(comparison.rendered(as: .json).utf8))
    #expect(decoded == comparison)
  }
}
