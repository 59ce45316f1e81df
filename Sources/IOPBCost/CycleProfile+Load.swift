import Foundation

extension CycleProfile {
  /// The profile a user names (what `iopb compare --profile` takes): the built-in profile
  /// called `nameOrPath`, or else the profile file at that path read over ``default``.
  ///
  /// - Throws: ``ProfileError`` when the file cannot be read or has a malformed line.
  public static func load(_ nameOrPath: String) throws(ProfileError) -> CycleProfile {
    if let builtIn = builtIn(named: nameOrPath) { return builtIn }
    guard let data = FileManager.default.contents(atPath: nameOrPath) else {
      let known = builtIn.map(\.name).joined(separator: ", ")
      throw ProfileError(
        source: nameOrPath, line: 0,
        message: "no such profile file (built-in profiles: \(known))")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ProfileError(source: nameOrPath, line: 0, message: "the file is not UTF-8 text")
    }
    return try parse(text, source: nameOrPath)
  }
}
