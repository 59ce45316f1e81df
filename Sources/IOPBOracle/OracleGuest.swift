/// A real kernel that runs guest programs: the judge the oracle compares the model with.
///
/// ``QEMUGuest`` boots a stock Linux kernel under QEMU; tests give the oracle a guest that
/// answers from a script instead. The program and transcript formats are those of
/// `docs/oracle-protocol.md`.
public protocol OracleGuest: Sendable {
  /// Runs `program` and returns what the guest agent reported.
  ///
  /// - Parameter program: The compiled scenarios (``GuestProgram/compile(_:)``).
  /// - Returns: The transcript of a run that reached `DONE`.
  /// - Throws: ``GuestRunError`` when the guest could not start or stopped before `DONE`; its
  ///   ``GuestRunError/partial`` holds the lines reported until then.
  func run(_ program: GuestProgram) async throws(GuestRunError) -> GuestTranscript
}
