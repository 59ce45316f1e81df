import ArgumentParser
import IOPBReports

extension IOPB {
  /// `iopb calibrate`: writes a cycle profile with this host's copy and fill costs.
  public struct Calibrate: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Time memcpy/memset of bitmap-sized blocks here and write a cycle profile.",
      discussion: "Privileged operations (LTR, INVLPG, …) keep the cited defaults of costs.md §4.")

    @Option(help: "Core clock in GHz, to convert ns to cycles.")
    var ghz: Double = 2.6

    @Option(name: .shortAndLong, help: "Write the profile to this file instead of standard output.")
    var output: String?

    @Option(help: "Copies timed per measurement.")
    var repetitions = 20_000

    public init() {}

    public func run() throws {
      var request = CalibrateRequest()
      request.gigahertz = ghz
      request.outputPath = output
      request.repetitions = repetitions
      try request.execute().emit()
    }
  }
}
