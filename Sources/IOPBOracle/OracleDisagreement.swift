import IOPBScenario

/// A step on which the model and the real kernel disagree: the oracle's finding, not a
/// ``Violation`` of the double check inside the model.
public struct OracleDisagreement: Sendable, Hashable, CustomStringConvertible {
  public var source: String
  public var location: SourceLocation
  public var step: String
  public var model: String
  public var kernel: String

  /// `FILE:LINE: STEP: model X, kernel Y`.
  public var description: String {
    "\(source):\(location.line): \(step): model \(model), kernel \(kernel)"
  }
}
