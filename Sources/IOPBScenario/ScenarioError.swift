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

  /// `FILE:LINE:COLUMN: error: MESSAGE`, the form compilers use.
  public var description: String { "\(source):\(location): error: \(message)" }
}

/// Every problem found in one scenario file.
public struct ScenarioErrors: Error, Sendable, Hashable, CustomStringConvertible {
  public var errors: [ScenarioError]
  public init(_ errors: [ScenarioError]) { self.errors = errors }
  public var description: String { errors.map(\.description).joined(separator: "\n") }
}
