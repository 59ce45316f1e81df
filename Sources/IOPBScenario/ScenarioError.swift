import IOPBText

/// A problem in a scenario file, located to line and column.
public struct ScenarioError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
  public var source: String
  public var location: SourceLocation
  public var message: String

  public init(source: String, location: SourceLocation, message: String) {
    self.source = source
    self.location = location
    self.message = message
  }

  /// The reader's failure to read the file: missing, a folder, a device, invalid UTF-8 (at its
  /// line and column), too large.
  public init(_ error: InputError) {
    self.init(source: error.path, location: SourceLocation(line: error.line, column: error.column), message: error.message)
  }

  /// `FILE:LINE:COLUMN: error: MESSAGE`, the form compilers use, with the control characters of
  /// the file name and of the tokens the message quotes escaped (`\0`, `\u{7F}`).
  public var description: String {
    "\(source.controlCharactersEscaped):\(location): error: \(message.controlCharactersEscaped)"
  }
}

/// Every problem found in one scenario file.
public struct ScenarioErrors: Error, Sendable, Hashable, CustomStringConvertible {
  public var errors: [ScenarioError]
  public init(_ errors: [ScenarioError]) { self.errors = errors }
  public var description: String { errors.map(\.description).joined(separator: "\n") }
}
