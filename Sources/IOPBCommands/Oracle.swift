import ArgumentParser
import IOPBKernel

extension IOPB {
  /// `iopb oracle`: a stock Linux kernel under QEMU judges the model.
  public struct Oracle: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Run scenarios on a real Linux kernel under QEMU and on the model, and compare.",
      discussion: """
        Installs QEMU and Debian's kernel on first use (scripts/oracle-setup). Every step's result \
        (a call's errno, an access's allow/deny) must agree; disagreements print as \
        FILE:LINE: STEP: model X, kernel Y. Exit 0 when all agree, 1 otherwise, 69 when the guest \
        cannot run.
        """)

    @Argument(help: "Scenario files (.scn).")
    var files: [String] = []

    @Option(help: "Also run this many generated scenarios.")
    var random = 0

    @Option(help: "Seed of the generated scenarios.")
    var seed: UInt64 = 1

    @Option(help: "Kernel image to boot instead of the cached Debian one.")
    var kernel: String?

    @Option(name: .customLong("deviation"), help: "Flip one rule of the model (\(KernelDeviation.allCases.map(\.rawValue).joined(separator: ", "))).")
    var deviations: [String] = []

    @Option(help: "Write the generated scenarios into this folder.")
    var save: String?

    @Option(help: "The boot script.")
    var bootScript = "scripts/oracle-boot"

    public init() {}

    public func validate() throws {
      if files.isEmpty && random == 0 { throw ValidationError("give scenario files or --random N") }
      guard random >= 0 else { throw ValidationError("--random must not be negative") }
      for name in deviations where KernelDeviation(rawValue: name) == nil {
        throw ValidationError("unknown deviation '\(name)'")
      }
    }

    public func run() throws {
      var options = OracleCommand.Options()
      options.files = files
      options.random = random
      options.seed = seed
      options.kernel = kernel
      options.deviations = Set(deviations.compactMap(KernelDeviation.init(rawValue:)))
      options.bootScript = bootScript
      options.saveDirectory = save
      try OracleCommand.run(options, progress: printError).emit()
    }
  }
}
