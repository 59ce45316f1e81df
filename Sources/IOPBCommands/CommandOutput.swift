/// What a command produced, for the CLI to print and for tests to inspect in-process.
public struct CommandOutput: Sendable, Equatable {
  public var output: String
  public var diagnostics: String
  public var exitCode: Int32

  public init(output: String = "", diagnostics: String = "", exitCode: Int32 = 0) {
    self.output = output
    self.diagnostics = diagnostics
    self.exitCode = exitCode
  }

  /// `EX_USAGE`: an unknown name or a malformed input.
  public static let usageError: Int32 = 64

  static func usage(_ message: String) -> CommandOutput {
    CommandOutput(diagnostics: "error: \(message)", exitCode: usageError)
  }
}
