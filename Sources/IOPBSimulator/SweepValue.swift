import IOPBCost

/// One value on a sweep's axis: a number in the parameter's unit, or a copy residency (`nil`:
/// `auto`, inferred per copy).
public enum SweepValue: Sendable, Hashable, Codable, CustomStringConvertible {
  case number(Double)
  case residency(CopyResidency?)

  /// The number, nil for a residency (a category: crossovers there are not interpolated).
  public var number: Double? {
    if case .number(let value) = self { value } else { nil }
  }

  /// `1024`, `0.35`, `l2`, `auto`.
  public var description: String {
    switch self {
    case .number(let value): SweepValue.format(value)
    case .residency(let residency): residency?.rawValue ?? "auto"
    }
  }

  /// The shortest decimal of `value` up to 9 places, without a trailing `.0`.
  static func format(_ value: Double) -> String {
    let snapped = (value * 1e9).rounded() / 1e9
    if snapped == snapped.rounded(), abs(snapped) < 1e15 { return String(Int64(snapped)) }
    return "\(snapped)"
  }

  /// A number encodes as a JSON number, a residency as its name.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .number(let value): try container.encode(value)
    case .residency: try container.encode(description)
    }
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let value = try? container.decode(Double.self) {
      self = .number(value)
      return
    }
    let name = try container.decode(String.self)
    if name == "auto" {
      self = .residency(nil)
    } else if let residency = CopyResidency(rawValue: name) {
      self = .residency(residency)
    } else {
      throw DecodingError.dataCorruptedError(
        in: container, debugDescription: "'\(name)' is neither a number nor auto, l1, l2 or cold")
    }
  }
}
