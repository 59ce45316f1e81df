import Foundation
import IOPBSimulator

/// A comparison as one JSON document: the `Codable` encoding of ``IOPBSimulator/Comparison``
/// (`JSONDecoder` reads it back), keys sorted, so the same inputs and seed give byte-identical text. The
/// schema is `docs/schema/comparison.schema.json`.
struct JSONReport {
  let comparison: Comparison

  init(_ comparison: Comparison) { self.comparison = comparison }

  /// The encoder every JSON report of this module uses.
  static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Finite figures only reach here; a non-finite one is spelled rather than refused.
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }

  var text: String { Self.document(comparison) }

  /// `value` as a JSON document; empty only if encoding failed, which the values of this
  /// package cannot make happen (non-finite numbers are spelled).
  static func document(_ value: some Encodable) -> String {
    guard let data = try? encoder.encode(value) else { return "" }
    return String(decoding: data, as: UTF8.self)
  }
}
