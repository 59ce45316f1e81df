import IOPBText

/// The profile file format: one `key = value` per line, `#` starts a comment, blank lines are
/// ignored. Keys are the ``CostKey`` names, `copy.residency` (`auto`, `l1`, `l2` or `cold`) and
/// `name`.
/// A value is a non-negative number or a fraction `a/b`. A key given twice is an error.
extension CycleProfile {
  /// Reads `text`, overriding `base` figure by figure.
  ///
  /// - Parameters:
  ///   - text: the file's contents.
  ///   - source: the file name used in errors and as the source of every figure it sets.
  ///   - base: the profile the file starts from.
  /// - Throws: ``ProfileError`` for the first malformed line.
  public static func parse(
    _ text: String, source: String, base: CycleProfile = .default
  ) throws(ProfileError) -> CycleProfile {
    var reader = FileReader(source: source, base: base)
    for line in LineReader.lines(of: text) { try reader.take(line) }
    return reader.profile
  }

  /// Reads the profile file `reader` delivers line by line, overriding `base`.
  ///
  /// - Throws: ``ProfileError`` for the first malformed line, or the reader's failure (invalid
  ///   UTF-8 at its line and column, the byte limit, a read error), whichever comes first.
  public static func parse(_ reader: LineReader, base: CycleProfile = .default) throws(ProfileError) -> CycleProfile {
    var file = FileReader(source: reader.path, base: base)
    while true {
      let line: String?
      do { line = try reader.nextLine() } catch { throw ProfileError(error) }
      guard let line else { return file.profile }
      try file.take(Substring(line))
    }
  }

  /// Applies a profile file's lines one at a time (``parse(_:source:base:)``'s format).
  private struct FileReader {
    let source: String
    var profile: CycleProfile
    /// The line each key was set on.
    var seen: [String: Int] = [:]
    var lineNumber = 0

    init(source: String, base: CycleProfile) {
      self.source = source
      profile = base
      profile.name = source
    }

    mutating func take(_ rawLine: Substring) throws(ProfileError) {
      lineNumber += 1
      let lineNumber = lineNumber
      let source = source
      func fail(_ message: String) -> ProfileError {
        ProfileError(source: source, line: lineNumber, message: message)
      }
      var line = rawLine
      var comment = ""
      if let hash = line.firstIndex(of: "#") {
        comment = line[line.index(after: hash)...].trimmingSpaces
        line = line[..<hash]
      }
      let content = line.trimmingSpaces
      if content.isEmpty { return }
      guard let equals = content.firstIndex(of: "=") else {
        throw fail("expected `key = value`, found '\(content)'")
      }
      let key = content[..<equals].trimmingSpaces
      let value = content[content.index(after: equals)...].trimmingSpaces
      guard !key.isEmpty else { throw fail("missing key before '='") }
      guard !value.isEmpty else { throw fail("missing value for '\(key)'") }
      if let first = seen[key] { throw fail("'\(key)' already set on line \(first)") }
      seen[key] = lineNumber
      let origin = comment.isEmpty ? "\(source):\(lineNumber)" : "\(source):\(lineNumber): \(comment)"
      switch key {
      case "name":
        profile.name = value
      case "copy.residency":
        if value == "auto" {
          profile.residency = nil
        } else {
          guard let residency = CopyResidency(rawValue: value) else {
            throw fail("copy.residency must be auto, l1, l2 or cold, not '\(value)'")
          }
          profile.residency = residency
        }
        profile.residencySource = origin
      case "gdt_write":
        throw fail("'gdt_write' was split into 'descriptor_write' (the descriptor stores) and 'lgdt' (each LGDT)")
      default:
        guard let costKey = CostKey(rawValue: key) else {
          throw fail("unknown key '\(key)'; known: \(knownKeys.joined(separator: ", "))")
        }
        guard let number = parseNumber(value) else {
          throw fail("'\(value)' is not a number (write 12, 0.5 or 1/32)")
        }
        // Capped so that sums over a run stay finite (no single operation costs 1e9 cycles).
        guard number.isFinite, number >= 0, number <= 1e9 else {
          throw fail("'\(key)' must be from 0 to 1e9")
        }
        if costKey == .clockGHz, number == 0 { throw fail("clock.ghz must be above 0") }
        profile.figures[costKey] = CostFigure(number, source: origin)
      }
    }
  }

  /// Every key a profile file may set.
  public static var knownKeys: [String] {
    ["name", "copy.residency"] + CostKey.allCases.map(\.rawValue)
  }

  /// The profile as a file that ``parse(_:source:base:)`` reads back to the same figures, each
  /// line carrying its source as a comment.
  public var fileText: String {
    var lines = ["name = \(name)", "copy.residency = \(residency?.rawValue ?? "auto")  # \(residencySource)"]
    for key in CostKey.allCases {
      guard let figure = figures[key] else { continue }
      lines.append("\(key.rawValue) = \(Self.render(figure.value))  # \(figure.source)")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A number as the shortest decimal that reads back to it.
  static func render(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
  }

  static func parseNumber(_ text: String) -> Double? {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    switch parts.count {
    case 1:
      return Double(text)
    case 2:
      guard let numerator = Double(parts[0].trimmingSpaces),
        let denominator = Double(parts[1].trimmingSpaces), denominator != 0
      else { return nil }
      return numerator / denominator
    default:
      return nil
    }
  }
}

extension StringProtocol {
  /// The text without leading and trailing spaces, tabs and carriage returns.
  var trimmingSpaces: String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) })
    else { return "" }
    return String(self[first...last])
  }
}
