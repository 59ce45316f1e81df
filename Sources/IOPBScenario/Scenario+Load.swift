import Foundation

extension Scenario {
  /// Reads and parses the scenario file at `path`; the scenario's ``source`` is `path`.
  ///
  /// - Parameter path: a file path as given on the command line.
  /// - Throws: ``ScenarioErrors`` with every problem of the file, each carrying `path` and its
  ///   line and column: line 0, column 0 when the file cannot be read or is not UTF-8 text.
  public static func load(contentsOf path: String) throws(ScenarioErrors) -> Scenario {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ScenarioErrors([wholeFile(path, "cannot read the file")])
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ScenarioErrors([wholeFile(path, "the file is not UTF-8 text")])
    }
    return try ScenarioParser.parse(text, source: path)
  }

  private static func wholeFile(_ path: String, _ message: String) -> ScenarioError {
    ScenarioError(source: path, location: SourceLocation(line: 0, column: 0), message: message)
  }
}
