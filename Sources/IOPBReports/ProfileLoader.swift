import Foundation
import IOPBSimulator

/// Finds the cycle profile `--profile` names: a built-in profile by name, else a profile file.
public enum ProfileLoader {
  /// The built-in profile called `nameOrPath`, or the file at that path read over the default.
  ///
  /// - Throws: ``ProfileError`` when the file cannot be read or has a malformed line.
  public static func load(_ nameOrPath: String) throws(ProfileError) -> CycleProfile {
    if let builtIn = CycleProfile.builtIn(named: nameOrPath) { return builtIn }
    guard let data = FileManager.default.contents(atPath: nameOrPath) else {
      let known = CycleProfile.builtIn.map(\.name).joined(separator: ", ")
      throw ProfileError(
        source: nameOrPath, line: 0,
        message: "no such profile file (built-in profiles: \(known))")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ProfileError(source: nameOrPath, line: 0, message: "the file is not UTF-8 text")
    }
    return try CycleProfile.parse(text, source: nameOrPath)
  }
}
