import Foundation

/// A JSON value as decoded, keeping booleans, integers and other numbers apart.
enum JSONValue: Decodable, Equatable {
  case null
  case bool(Bool)
  case integer(Int64)
  /// An integer above `Int64.max` (an `unsigned long` such as ioperm's `from`).
  case largeInteger(UInt64)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int64.self) {
      self = .integer(value)
    } else if let value = try? container.decode(UInt64.self) {
      self = .largeInteger(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  static func parse(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
  }

  subscript(key: String) -> JSONValue? {
    if case .object(let members) = self { members[key] } else { nil }
  }
}

/// The part of JSON Schema (draft 2020-12) that `docs/schema/*.json` use: `type`, `properties`,
/// `required`, `additionalProperties` (false or a schema), `propertyNames`, `items`, `enum`,
/// `oneOf`, `minimum`, `maximum`, `minProperties`, `maxProperties` and `$ref` into `$defs`.
/// Any other keyword is an error of the schema, so that the schema cannot promise more than
/// this checks.
struct JSONSchemaSubset {
  let root: JSONValue

  static let keywords: Set<String> = [
    "$schema", "title", "description", "$defs", "type", "properties", "required", "additionalProperties",
    "propertyNames", "items", "enum", "oneOf", "minimum", "maximum", "minProperties", "maxProperties", "$ref",
  ]

  /// Every way `value` breaks the schema, each with its JSON path; empty when it conforms.
  func problems(of value: JSONValue) -> [String] { problems(of: value, against: root, at: "$") }

  private func problems(of value: JSONValue, against schema: JSONValue, at path: String) -> [String] {
    guard case .object(let rules) = schema else { return ["\(path): the schema is not an object"] }
    var found = rules.keys.filter { !Self.keywords.contains($0) }.sorted().map { "\(path): unknown keyword \($0)" }
    if case .string(let reference)? = rules["$ref"] {
      let name = reference.replacingOccurrences(of: "#/$defs/", with: "")
      guard let target = root["$defs"]?[name] else { return found + ["\(path): no definition \(reference)"] }
      found += problems(of: value, against: target, at: path)
    }
    if case .string(let type)? = rules["type"], !Self.value(value, hasType: type) {
      found.append("\(path): expected \(type), found \(value)")
    }
    if case .array(let allowed)? = rules["enum"], !allowed.contains(value) {
      found.append("\(path): \(value) is not one of \(allowed)")
    }
    if case .array(let choices)? = rules["oneOf"] {
      let matching = choices.filter { problems(of: value, against: $0, at: path).isEmpty }.count
      if matching != 1 { found.append("\(path): matches \(matching) of oneOf's \(choices.count) schemas") }
    }
    if let number = Self.number(value) {
      if let minimum = rules["minimum"].flatMap(Self.number), number < minimum { found.append("\(path): below \(minimum)") }
      if let maximum = rules["maximum"].flatMap(Self.number), number > maximum { found.append("\(path): above \(maximum)") }
    }
    if case .array(let elements) = value, let items = rules["items"] {
      for (index, element) in elements.enumerated() { found += problems(of: element, against: items, at: "\(path)[\(index)]") }
    }
    if case .object(let members) = value { found += objectProblems(members, rules, at: path) }
    return found
  }

  private func objectProblems(_ members: [String: JSONValue], _ rules: [String: JSONValue], at path: String) -> [String] {
    var found: [String] = []
    if case .array(let required)? = rules["required"] {
      for case .string(let key) in required where members[key] == nil { found.append("\(path): missing \(key)") }
    }
    if case .integer(let least)? = rules["minProperties"], members.count < least { found.append("\(path): too few members") }
    if case .integer(let most)? = rules["maxProperties"], members.count > most { found.append("\(path): too many members") }
    let properties: [String: JSONValue] = if case .object(let declared)? = rules["properties"] { declared } else { [:] }
    for (key, member) in members.sorted(by: { $0.key < $1.key }) {
      if let names = rules["propertyNames"] { found += problems(of: .string(key), against: names, at: "\(path).\(key) (name)") }
      if let schema = properties[key] {
        found += problems(of: member, against: schema, at: "\(path).\(key)")
      } else if let additional = rules["additionalProperties"] {
        if additional == .bool(false) {
          found.append("\(path): unexpected member \(key)")
        } else if additional != .bool(true) {
          found += problems(of: member, against: additional, at: "\(path).\(key)")
        }
      }
    }
    return found
  }

  private static func value(_ value: JSONValue, hasType type: String) -> Bool {
    switch (type, value) {
    case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
      ("integer", .integer), ("integer", .largeInteger), ("number", .integer), ("number", .largeInteger),
      ("number", .number):
      true
    default: false
    }
  }

  private static func number(_ value: JSONValue) -> Double? {
    switch value {
    case .integer(let integer): Double(integer)
    case .largeInteger(let integer): Double(integer)
    case .number(let number): number
    default: nil
    }
  }
}
