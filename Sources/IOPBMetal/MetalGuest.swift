import Foundation
import Subprocess

#if canImport(System)
  import System
#else
  import SystemPackage
#endif

/// Something that runs a metal program and returns what the kernel reported: QEMU
/// (``QEMUMetalGuest``), or a scripted guest in tests.
public protocol MetalGuest: Sendable {
  func run(_ program: String) async throws(MetalRunError) -> MetalTranscript
}

/// The metal kernel under QEMU, booted by `scripts/metal-boot` (which builds it first).
public struct QEMUMetalGuest: MetalGuest {
  public var bootScript: String
  /// `kvm`, `tcg` or `auto`.
  public var accelerator: String

  public init(bootScript: String = "scripts/metal-boot", accelerator: String = "auto") {
    self.bootScript = bootScript
    self.accelerator = accelerator
  }

  /// Writes the program to a temporary file, runs the boot script on it, and parses its
  /// standard output.
  ///
  /// - Throws: ``MetalRunError`` when the file cannot be written, the script cannot run, or it
  ///   exits non-zero (the message then carries the end of its standard error).
  public func run(_ program: String) async throws(MetalRunError) -> MetalTranscript {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("iopb-metal-\(UUID().uuidString)")
    let file = directory.appendingPathComponent("program.txt")
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try Data(program.utf8).write(to: file)
    } catch {
      throw MetalRunError(message: "cannot write the metal program in \(directory.path): \(error.localizedDescription)")
    }
    let output: [UInt8]
    let errorText: [UInt8]
    let status: TerminationStatus
    do {
      let result = try await Subprocess.run(
        .path(FilePath(bootScript)), arguments: Arguments([file.path, "--accel", accelerator]),
        input: .none, output: .sequence, error: .sequence
      ) { execution in
        async let errors = Self.collect(execution.standardError)
        var bytes: [UInt8] = []
        for try await buffer in execution.standardOutput {
          buffer.withUnsafeBytes { bytes.append(contentsOf: $0) }
        }
        return (bytes, try await errors)
      }
      (output, errorText) = result.closureResult
      status = result.terminationStatus
    } catch {
      throw MetalRunError(message: "cannot run \(bootScript): \(error)")
    }
    let transcript = MetalTranscript(parsing: String(decoding: output, as: UTF8.self))
    guard status.isSuccess, transcript.finished else {
      let tail = String(decoding: errorText, as: UTF8.self).split(separator: "\n").suffix(30).joined(separator: "\n")
      throw MetalRunError(
        message: "\(bootScript) failed (\(status))\(transcript.errors.map { "; kernel: \($0)" }.joined())\n\(tail)",
        partial: transcript)
    }
    return transcript
  }

  private static func collect(_ stream: SubprocessOutputSequence) async throws -> [UInt8] {
    var bytes: [UInt8] = []
    for try await buffer in stream {
      buffer.withUnsafeBytes { bytes.append(contentsOf: $0) }
      if bytes.count > 1 << 20 { bytes.removeFirst(bytes.count - (1 << 19)) }
    }
    return bytes
  }
}
