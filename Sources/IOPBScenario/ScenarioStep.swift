/// One line of a scenario that does something.
public struct ScenarioStep: Sendable, Hashable, Codable {
  public var location: SourceLocation
  public var action: ScenarioAction
  public var expectation: Expectation?
  /// The step as written, without comment or expectation.
  public var text: String
}
