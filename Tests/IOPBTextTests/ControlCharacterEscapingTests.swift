import IOPBText
import Testing

@Suite struct ControlCharacterEscapingTests {
  @Test(arguments: [
    ("plain 'text' \\ kept", "plain 'text' \\ kept"),
    ("a\u{0}b", #"a\0b"#),
    ("tab\there", #"tab\there"#),
    ("line\nfeed\rreturn", #"line\nfeed\rreturn"#),
    ("del\u{7F}", #"del\u{7F}"#),
    ("nel\u{85}ls\u{2028}ps\u{2029}", #"nel\u{0085}ls\u{2028}ps\u{2029}"#),
    ("ff\u{0C}vt\u{0B}", #"ff\u{0C}vt\u{0B}"#),
    ("é 漢字 🙂", "é 漢字 🙂"),
  ])
  func controlCharactersAreWrittenAsSwiftEscapes(_ text: String, _ expected: String) {
    #expect(text.controlCharactersEscaped == expected)
  }
}
