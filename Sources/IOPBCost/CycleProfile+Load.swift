import IOPBText

extension CycleProfile {
  /// The largest profile file read, in bytes (1 MiB); a profile has a few dozen lines.
  public static let fileByteLimit = 1 << 20

  /// The profile a user names (what `iopb compare --profile` takes): the built-in profile
  /// called `nameOrPath`, or else the profile file at that path (a pipe, or `-` for standard
  /// input, too) read line by line over ``default``.
  ///
  /// - Throws: ``ProfileError`` when the name is neither a built-in profile nor a file, when the
  ///   path is a folder, a device or unreadable, or when the file has a malformed line.
  public static func load(_ nameOrPath: String) throws(ProfileError) -> CycleProfile {
    if let builtIn = builtIn(named: nameOrPath) { return builtIn }
    let reader: LineReader
    do { reader = try LineReader(path: nameOrPath, byteLimit: fileByteLimit) } catch {
      guard error.reason == .missing else { throw ProfileError(error) }
      let known = builtIn.map(\.name).joined(separator: ", ")
      throw ProfileError(
        source: nameOrPath, line: 0,
        message: "no such profile file, and no built-in profile of that name (built-in profiles: \(known))")
    }
    return try parse(reader)
  }
}
