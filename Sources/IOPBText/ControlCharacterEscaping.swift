extension StringProtocol {
  /// The text with every control character written as a Swift string literal writes it (`\0`,
  /// `\t`, `\n`, `\r`, `\u{7F}`, `\u{0085}`, …), so that a message echoing a user's token, name or
  /// path stays one line and shows what is really there. Line and paragraph separators (U+2028,
  /// U+2029) are escaped too; every other character, quotes and backslashes included, is kept.
  public var controlCharactersEscaped: String {
    guard unicodeScalars.contains(where: Self.needsEscape) else { return String(self) }
    var escaped = ""
    for scalar in unicodeScalars {
      if Self.needsEscape(scalar) {
        escaped += scalar.escaped(asASCII: true)
      } else {
        escaped.unicodeScalars.append(scalar)
      }
    }
    return escaped
  }

  private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .control, .lineSeparator, .paragraphSeparator: true
    default: false
    }
  }
}
