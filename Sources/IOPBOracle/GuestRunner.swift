import Foundation

/// Boots the guest agent on a program with `scripts/oracle-boot` and collects its transcript.
public struct GuestRunner: Sendable {
  /// The boot script; it installs QEMU and the kernel on first use (`scripts/oracle-setup`).
  public var bootScript: String
  /// A kernel image to boot instead of the cached Debian one.
  public var kernel: String?

  public init(bootScript: String, kernel: String? = nil) {
    self.bootScript = bootScript
    self.kernel = kernel
  }

  /// Runs `program`, returning the transcript, or an error carrying what the guest printed.
  public func run(_ program: GuestProgram) throws(GuestRunError) -> GuestTranscript {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("iopb-oracle-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
    let file = directory.appendingPathComponent("program.txt")
    defer { try? FileManager.default.removeItem(at: directory) }
    let process = Process()
    let output = Pipe()
    let errors = Pipe()
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try Data(program.text.utf8).write(to: file)
      process.executableURL = URL(fileURLWithPath: bootScript)
      process.arguments = [file.path] + (kernel.map { ["--kernel", $0] } ?? [])
      process.standardOutput = output
      process.standardError = errors
      try process.run()
    } catch {
      throw GuestRunError(message: "cannot start \(bootScript): \(error.localizedDescription)")
    }
    // Drain standard error on another thread so a chatty guest cannot fill either pipe.
    let errorSink = PipeSink()
    DispatchQueue.global().async {
      errorSink.data = errors.fileHandleForReading.readDataToEndOfFile()
      errorSink.finished.signal()
    }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    errorSink.finished.wait()
    let text = String(decoding: outputData, as: UTF8.self)
    let transcript = GuestTranscript(parsing: text)
    guard process.terminationStatus == 0, transcript.finished else {
      let stderrText = String(decoding: errorSink.data, as: UTF8.self)
      let tail = stderrText.split(separator: "\n").suffix(40).joined(separator: "\n")
      throw GuestRunError(
        message: "the guest did not finish (\(bootScript) exited \(process.terminationStatus)); it printed:\n\(text)\(tail)",
        partial: transcript)
    }
    return transcript
  }
}

/// The bytes one reader thread collects; `finished` orders the write before the read.
private final class PipeSink: @unchecked Sendable {
  var data = Data()
  let finished = DispatchSemaphore(value: 0)
}
