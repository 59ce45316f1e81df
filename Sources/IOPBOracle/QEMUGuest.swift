import Foundation
import Subprocess

#if canImport(System)
  import System
#else
  import SystemPackage
#endif

/// A stock Linux kernel under QEMU, booted by `scripts/oracle-boot` on each program.
///
/// The boot script takes the program file, `--release RELEASE` and `--kernel PATH`, prints the
/// protocol lines on standard output, a summary and (on failure) the guest console on standard
/// error, and exits 0 only when the agent printed `DONE` (`docs/oracle-protocol.md` §4). Both streams are read
/// at once, so neither pipe can fill and stall the script: standard output is kept whole,
/// standard error only for its last ``errorTailLines`` lines.
public struct QEMUGuest: OracleGuest {
  /// The boot script; it installs QEMU and the kernel on first use (`scripts/oracle-setup`).
  public var bootScript: String
  /// The Debian kernel to boot (the boot script's default, bookworm's, when nil).
  public var release: OracleKernel?
  /// A kernel image to boot instead of a cached Debian one.
  public var kernel: String?

  /// Lines of the boot script's standard error quoted when the guest fails.
  public static let errorTailLines = 40

  public init(bootScript: String, release: OracleKernel? = nil, kernel: String? = nil) {
    self.bootScript = bootScript
    self.release = release
    self.kernel = kernel
  }

  /// Boots the guest on `program` and parses what the boot script printed.
  ///
  /// - Throws: ``GuestRunError`` when the program cannot be written or the script cannot be
  ///   run, or when the script exits non-zero or without `DONE`; the message then gives the exit
  ///   status, the protocol lines and the last ``errorTailLines`` lines of standard error.
  public func run(_ program: GuestProgram) async throws(GuestRunError) -> GuestTranscript {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("iopb-oracle-\(UUID().uuidString)")
    let file = directory.appendingPathComponent("program.txt")
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw GuestRunError(
        message: "cannot write the guest program: \(FileWriteError(path: directory.path, operation: .createFolder, underlying: error))")
    }
    do {
      try Data(program.text.utf8).write(to: file)
    } catch {
      throw GuestRunError(
        message: "cannot write the guest program: \(FileWriteError(path: file.path, operation: .write, underlying: error))")
    }

    let arguments =
      [file.path] + (release.map { ["--release", $0.rawValue] } ?? []) + (kernel.map { ["--kernel", $0] } ?? [])
    let output: [UInt8]
    let errorTail: OutputTail
    let status: TerminationStatus
    do {
      let result = try await Subprocess.run(
        .path(FilePath(bootScript)), arguments: Arguments(arguments),
        input: .none, output: .sequence, error: .sequence
      ) { execution in
        async let tail = Self.tail(of: execution.standardError)
        var bytes: [UInt8] = []
        for try await buffer in execution.standardOutput {
          buffer.withUnsafeBytes { bytes.append(contentsOf: $0) }
        }
        return (bytes, try await tail)
      }
      (output, errorTail) = result.closureResult
      status = result.terminationStatus
    } catch {
      throw GuestRunError(message: "cannot run \(bootScript): \(error)")
    }

    let text = String(decoding: output, as: UTF8.self)
    let transcript = GuestTranscript(parsing: text)
    guard status.isSuccess, transcript.finished else {
      let printed = text.isEmpty || text.hasSuffix("\n") ? text : text + "\n"
      throw GuestRunError(
        message: "the guest did not finish (\(bootScript) \(Self.describe(status))); it printed:\n\(printed)\(errorTail.text)",
        partial: transcript)
    }
    return transcript
  }

  private static func tail(of stream: SubprocessOutputSequence) async throws -> OutputTail {
    var tail = OutputTail(lines: errorTailLines)
    for try await buffer in stream {
      buffer.withUnsafeBytes { tail.append($0) }
    }
    return tail
  }

  private static func describe(_ status: TerminationStatus) -> String {
    switch status {
    case .exited(let code): "exited \(code)"
    #if !os(Windows)
      case .signaled(let signal): "was killed by signal \(signal)"
    #endif
    }
  }
}
