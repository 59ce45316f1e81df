import ArgumentParser
import Testing

/// The exit status and message of the usage error that parsing `arguments` as `command` stops
/// at (ArgumentParser prints the message, the usage line, and exits with the status), or nil
/// when the arguments are valid.
func usageError<Command: ParsableCommand>(
  _ command: Command.Type, _ arguments: [String]
) -> (exitCode: Int32, message: String)? {
  do {
    _ = try command.parse(arguments)
    return nil
  } catch {
    return (command.exitCode(for: error).rawValue, command.message(for: error))
  }
}

/// Arguments a command must refuse, and what its message must say.
struct UsageCase: Sendable, CustomTestStringConvertible {
  var arguments: [String]
  var message: String
  var testDescription: String { arguments.joined(separator: " ") }
}
