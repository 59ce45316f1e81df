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
  @Option(help: "A built-in profile (default, molnar-2004) or a profile file.")
  var profile: String?

  @Option(name: .customLong("set"), help: "Override one profile figure, e.g. --set ltr=20 (repeatable).")
  var settings: [String] = []

  @Option(help: "Seed replacing every workload's own.")
  var seed: UInt64?

  @Option(help: "Run each workload for this many context switches instead of its duration.")
  var switches: Int?

  /// The profile `--profile` names (the default one without it) with the `--set` figures, as
  /// `compare` reads them; a count ≤ 0 for `--switches` is refused here too.
  func cycleProfile() throws(CommandLineProblem) -> CycleProfile {
    if let switches, switches <= 0 { throw CommandLineProblem("--switches must be positive, not \(switches)") }
    do {
      let base = try profile.map(CycleProfile.load) ?? .default
      guard !settings.isEmpty else { return base }
      var adjusted = try CycleProfile.parse(settings.joined(separator: "\n"), source: "--set", base: base)
      adjusted.name = base.name + " --set " + settings.joined(separator: " --set ")
      return adjusted
    } catch { throw CommandLineProblem(error.description) }
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
