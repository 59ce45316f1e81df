/// What a command produced, for the CLI to print and for tests to inspect in-process: the
/// output (standard output), the diagnostics (standard error) and the exit status.
///
/// Exit statuses: 0 success; 1 the check failed (a scenario expectation, a violation, a
/// disagreement); 64 ``usageError`` (`EX_USAGE`); 69 ``unavailable`` (`EX_UNAVAILABLE`); 73
/// ``cannotCreate`` (`EX_CANTCREAT`).
public struct CommandOutput: Sendable, Equatable {
  public var output: String
  public var diagnostics: String
  public var exitCode: Int32

  public init(output: String = "", diagnostics: String = "", exitCode: Int32 = 0) {
    self.output = output
    self.diagnostics = diagnostics
    self.exitCode = exitCode
  }

  /// `EX_USAGE` (sysexits.h): an unknown name, a bad option value or a malformed input file.
  public static let usageError: Int32 = 64

  /// `EX_UNAVAILABLE` (sysexits.h): something the command needs, such as the oracle's guest,
  /// cannot run.
  public static let unavailable: Int32 = 69

  /// `EX_CANTCREAT` (sysexits.h): an output file or folder cannot be created or written.
  public static let cannotCreate: Int32 = 73

  /// A usage error: exit 64 with `error: message` as the one diagnostic line.
  static func usage(_ message: String) -> CommandOutput {
    CommandOutput(diagnostics: "error: \(message)", exitCode: usageError)
  }
}
