import Foundation
import IOPBCost

/// A parameter and the values a sweep gives it, in order.
///
/// Written `NAME=SPEC` (``parse(_:)``): `invlpg=200...880:40` (from, to, additive step),
/// `extent=8...8192:x2` (a factor: a geometric grid), `ltr=20,150,300` (a list), `ltr=150` (one
/// value, to fix the parameter of a two-axis sweep), `copy.residency=l1,l2,cold`, or `NAME`
/// alone for ``SweepParameter/defaultSpecification``.
public struct SweepAxis: Sendable, Hashable, Codable {
  public var parameter: SweepParameter
  public var values: [SweepValue]

  /// At most this many values on one axis.
  public static let maxValues = 1000

  public init(parameter: SweepParameter, values: [SweepValue]) {
    self.parameter = parameter
    self.values = values
  }

  /// `NAME`, `unit` and `values`.
  enum CodingKeys: String, CodingKey { case name, unit, values }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(parameter.name, forKey: .name)
    try container.encode(parameter.unit, forKey: .unit)
    try container.encode(values, forKey: .values)
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let name = try container.decode(String.self, forKey: .name)
    guard let parameter = SweepParameter(name: name) else {
      throw DecodingError.dataCorruptedError(forKey: .name, in: container, debugDescription: "unknown axis '\(name)'")
    }
    self.parameter = parameter
    values = try container.decode([SweepValue].self, forKey: .values)
  }

  /// True when the values are numbers, so a change between two of them can be interpolated.
  public var isNumeric: Bool { parameter != .residency }

  /// `invlpg (cycles)`, `extent (bytes)`, `copy.residency`.
  public var label: String { parameter.unit.isEmpty ? parameter.name : "\(parameter.name) (\(parameter.unit))" }

  /// Reads `NAME[=SPEC]` as `--axis` takes it.
  ///
  /// - Throws: ``SweepError`` naming the text and what is wrong: an unknown name, a malformed
  ///   range, a value outside the parameter's domain, or more than ``maxValues`` values.
  public static func parse(_ text: String) throws(SweepError) -> SweepAxis {
    let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let name = parts[0].trimmingCharacters(in: .whitespaces)
    guard let parameter = SweepParameter(name: name) else {
      throw SweepError(text: text, message: "unknown parameter '\(name)'; known: \(SweepParameter.knownNames.joined(separator: ", "))")
    }
    let specification: String
    if parts.count == 2 {
      specification = parts[1].trimmingCharacters(in: .whitespaces)
    } else if let standard = parameter.defaultSpecification {
      specification = standard
    } else {
      throw SweepError(text: text, message: "no cited range for '\(name)'; give one, e.g. \(name)=FROM...TO:STEP")
    }
    guard !specification.isEmpty else { throw SweepError(text: text, message: "no values after '='") }
    let values =
      parameter == .residency
      ? try residencies(specification, text: text)
      : try numbers(specification, text: text).map(SweepValue.number)
    for value in values {
      if let problem = parameter.problem(with: value) { throw SweepError(text: text, message: problem) }
    }
    return SweepAxis(parameter: parameter, values: values)
  }

  private static func residencies(_ specification: String, text: String) throws(SweepError) -> [SweepValue] {
    var values: [SweepValue] = []
    for item in specification.split(separator: ",", omittingEmptySubsequences: false) {
      let name = item.trimmingCharacters(in: .whitespaces)
      if name == "auto" {
        values.append(.residency(nil))
      } else if let residency = CopyResidency(rawValue: name) {
        values.append(.residency(residency))
      } else {
        throw SweepError(text: text, message: "'\(name)' is not auto, l1, l2 or cold")
      }
    }
    return values
  }

  /// `FROM...TO:STEP`, `FROM...TO:xFACTOR`, or a comma-separated list.
  private static func numbers(_ specification: String, text: String) throws(SweepError) -> [Double] {
    func number(_ item: Substring) throws(SweepError) -> Double {
      let trimmed = item.trimmingCharacters(in: .whitespaces)
      guard let value = Double(trimmed), value.isFinite else {
        throw SweepError(text: text, message: "'\(trimmed)' is not a number")
      }
      return value
    }
    guard let dots = specification.range(of: "...") else {
      var values: [Double] = []
      for item in specification.split(separator: ",", omittingEmptySubsequences: false) {
        values.append(try number(item))
      }
      guard values.count <= maxValues else {
        throw SweepError(text: text, message: "more than \(maxValues) values")
      }
      return values
    }
    let from = try number(specification[..<dots.lowerBound])
    let rest = specification[dots.upperBound...]
    guard let colon = rest.firstIndex(of: ":") else {
      throw SweepError(text: text, message: "a range needs a step: FROM...TO:STEP or FROM...TO:xFACTOR")
    }
    let to = try number(rest[..<colon])
    let stepText = rest[rest.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    guard from <= to else { throw SweepError(text: text, message: "the range runs backwards (\(from) > \(to))") }
    let geometric = stepText.hasPrefix("x")
    let step = try number(geometric ? stepText.dropFirst() : Substring(stepText))
    guard geometric ? step > 1 : step > 0 else {
      throw SweepError(text: text, message: geometric ? "the factor must be above 1" : "the step must be above 0")
    }
    if geometric, from <= 0 { throw SweepError(text: text, message: "a geometric range must start above 0") }
    var values: [Double] = []
    let slack = 1e-9 * max(1, abs(to))
    var index = 0.0
    while true {
      let raw = geometric ? from * pow(step, index) : from + index * step
      let value = (raw * 1e9).rounded() / 1e9
      guard value <= to + slack else { break }
      values.append(value)
      guard values.count <= maxValues else {
        throw SweepError(text: text, message: "more than \(maxValues) values; use a larger step")
      }
      index += 1
    }
    return values
  }
}

extension SweepParameter {
  /// Why `value` is outside this parameter's domain, or nil.
  public func problem(with value: SweepValue) -> String? {
    guard case .number(let number) = value else { return nil }
    switch self {
    case .extent:
      guard number >= 8, number <= 8192, number == number.rounded(), Int(number) % 8 == 0 else {
        return "extent \(value) is not a whole number of 8-byte longs from 8 to 8192"
      }
    case .ioShare:
      let threads = Double(Workload.roundRobinThreads)
      guard number >= 0, number <= 1, abs(number * threads - (number * threads).rounded()) < 1e-6 else {
        return "io-share \(value) is not a multiple of 1/\(Workload.roundRobinThreads) from 0 to 1 (the workload's \(Workload.roundRobinThreads) threads)"
      }
    case .cost(.clockGHz):
      guard number > 0, number <= 1e9 else { return "clock.ghz \(value) must be above 0 and at most 1e9" }
    case .cost(let key):
      guard number >= 0, number <= 1e9 else { return "\(key.rawValue) \(value) must be from 0 to 1e9" }
    case .residency:
      return nil
    }
    return nil
  }
}

/// A malformed `--axis` or a sweep that cannot run as asked.
public struct SweepError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The `--axis` text at fault, or empty for the sweep as a whole.
  public var text: String
  public var message: String

  public init(text: String, message: String) {
    self.text = text
    self.message = message
  }

  /// `--axis 'TEXT': what is wrong`, or the message alone.
  public var description: String { text.isEmpty ? message : "--axis '\(text)': \(message)" }
}
