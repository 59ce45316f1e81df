import ArgumentParser

/// The `iopb` command: models, verifies and measures how an OS keeps the x86 I/O permission
/// bitmap correct and cheap across context switches.
///
/// Asynchronous because `oracle` awaits its guest; ArgumentParser requires the root of an
/// asynchronous subcommand to be an `AsyncParsableCommand`.
public struct IOPB: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "iopb",
    abstract: "Model, verify and measure x86 I/O permission bitmap switch designs.",
    version: "0.1.0",
    subcommands: [
      Run.self, Check.self, Oracle.self, Strategies.self, Compare.self, Replay.self, Sweep.self, Report.self,
      Bench.self, Calibrate.self, Metal.self,
    ])

  public init() {}
}
