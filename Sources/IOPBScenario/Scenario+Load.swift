import IOPBText

extension Scenario {
  /// The largest scenario file read, in bytes (16 MiB). The repository's scenarios and the
  /// checker's counterexamples are a few kilobytes; the limit keeps a mistaken input (a log,
  /// a disk image) from filling memory with steps.
  public static let byteLimit = 16 << 20

  /// Reads and parses the scenario at `path` line by line as it is read (a regular file, a pipe
  /// such as `<(…)`, or `-` for standard input); the scenario's ``source`` is `path`.
  ///
  /// - Parameter path: a file path as given on the command line.
  /// - Throws: ``ScenarioErrors`` with every problem of the file, each carrying `path` and its
  ///   line and column: line 0, column 0 when the path is missing, denied, a folder or a device;
  ///   the line and column of the first bad byte when the text is not UTF-8.
  public static func load(contentsOf path: String) throws(ScenarioErrors) -> Scenario {
    let reader: LineReader
    do { reader = try LineReader(path: path, byteLimit: byteLimit) } catch { throw ScenarioErrors([ScenarioError(error)]) }
    return try ScenarioParser.parse(reader)
  }
}
