/// Why the metal kernel did not finish a program: QEMU or the build could not run, or the
/// kernel stopped before `DONE`.
public struct MetalRunError: Error, Sendable, Hashable, CustomStringConvertible {
  public var message: String
  /// What the kernel reported before it stopped.
  public var partial: MetalTranscript

  public init(message: String, partial: MetalTranscript = MetalTranscript()) {
    self.message = message
    self.partial = partial
  }

  public var description: String { message }
}
