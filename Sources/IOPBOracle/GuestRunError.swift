/// Why a guest run did not finish: it could not start, or it stopped before `DONE`.
public struct GuestRunError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What went wrong, with whatever the guest printed that explains it.
  public var message: String
  /// What the guest reported before it stopped (empty when it never started), so that the
  /// steps it reached can still be compared.
  public var partial: GuestTranscript

  public init(message: String, partial: GuestTranscript = GuestTranscript()) {
    self.message = message
    self.partial = partial
  }

  public var description: String { message }
}
