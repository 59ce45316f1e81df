import ArgumentParser
import Foundation
import IOPBCost

/// One line saying what is wrong with the command line: a usage error, exit 64.
struct CommandLineProblem: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// The options `sweep` and `report` share with `compare`: the profile, figures set over it, the
/// seed and the length of each run.
struct RunOptions: ParsableArguments {
  @OptionGroup var profileOptions: ProfileOptions

  /// Replaces every workload's seed.
  @Option(help: "Seed replacing every workload's own.")
  var seed: UInt64?

  /// Replaces every workload's duration by this many switches.
  @Option(help: "Run each workload for this many context switches instead of its duration.")
  var switches: Int?

  /// Rejects a `--switches` out of range and a malformed `--set`.
  func check() throws(ValidationError) {
    if let switches { try RunLength.check(switches, "--switches", maximum: RunLength.switches) }
    try profileOptions.check()
  }

  /// The profile `--profile` names (the default one without it) with the `--set` figures, once
  /// ``check()`` accepts the options.
  func cycleProfile() throws(CommandLineProblem) -> CycleProfile {
    do { try check() } catch { throw CommandLineProblem(error.message) }
    do { return try profileOptions.cycleProfile() } catch { throw CommandLineProblem(error.description) }
  }

  /// Progress lines rewritten in place on a terminal's standard error; nil on a pipe.
  static var terminalLines: ((String) -> Void)? {
    IOPB.Check.Explore.terminalProgress.map { report in { report($0) } }
  }
}

extension CommandOutput {
  /// Clears the progress line `RunOptions.terminalLines` left on a terminal, if any.
  func finishProgress() -> CommandOutput {
    if RunOptions.terminalLines != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    return self
  }
}
