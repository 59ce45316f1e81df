/// One figure of a cycle profile with the evidence behind it, so reports can print both.
public struct CostFigure: Sendable, Hashable, Codable {
  /// The number, in cycles (or GHz for ``CostKey/clockGHz``).
  public var value: Double
  /// Where it comes from: a citation with its evidence tag from `costs.md`, or the profile file
  /// and line that set it.
  public var source: String

  public init(_ value: Double, source: String) {
    self.value = value
    self.source = source
  }
}
