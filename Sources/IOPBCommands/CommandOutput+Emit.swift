import ArgumentParser

extension CommandOutput {
  /// Prints the output to standard output and the diagnostics to standard error, then ends the
  /// command with the exit status (ArgumentParser's `ExitCode`) when it is not 0.
  func emit() throws {
    if !output.isEmpty { print(output, terminator: output.hasSuffix("\n") ? "" : "\n") }
    if !diagnostics.isEmpty { printError(diagnostics) }
    if exitCode != 0 { throw ExitCode(exitCode) }
  }
}
