import Foundation
import IOPBScenario

/// A fresh folder under the system's temporary directory, for files a test writes.
struct TemporaryDirectory {
  let path: String

  init() throws {
    path = FileManager.default.temporaryDirectory
      .appendingPathComponent("iopb-oracle-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// Writes `text` to `name` in the folder and returns its path.
  func file(_ name: String, _ text: String) throws -> String {
    let file = (path as NSString).appendingPathComponent(name)
    try Data(text.utf8).write(to: URL(fileURLWithPath: file))
    return file
  }
}

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// The path of `scenarios/NAME`.
func scenarioPath(_ name: String) -> String {
  repositoryRoot.appendingPathComponent("scenarios").appendingPathComponent(name).path
}

/// Parses the scenario file at `path`, naming it by its path as the command does.
func loadScenario(_ path: String) throws -> Scenario {
  try ScenarioParser.parse(String(contentsOfFile: path, encoding: .utf8), source: path)
}
