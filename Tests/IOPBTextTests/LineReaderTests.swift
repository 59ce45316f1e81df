import Foundation
import IOPBText
import Testing

@Suite struct LineReaderTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var lines: [String]
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "empty input", bytes: [], lines: []),
    Case(name: "no final newline", bytes: Array("a\nb".utf8), lines: ["a", "b"]),
    Case(name: "final newline adds no line", bytes: Array("a\nb\n".utf8), lines: ["a", "b"]),
    Case(name: "blank lines kept", bytes: Array("\n\nx\n".utf8), lines: ["", "", "x"]),
    Case(name: "CRLF ends a line, CR dropped", bytes: Array("a\r\nb\r\n".utf8), lines: ["a", "b"]),
    Case(name: "lone CR stays inside", bytes: Array("a\rb\n".utf8), lines: ["a\rb"]),
    Case(name: "form feed and vertical tab stay", bytes: Array("a\u{0C}b\u{0B}c\n".utf8), lines: ["a\u{0C}b\u{0B}c"]),
    Case(name: "NEL, LS and PS stay", bytes: Array("a\u{85}b\u{2028}c\u{2029}d\n".utf8), lines: ["a\u{85}b\u{2028}c\u{2029}d"]),
    Case(name: "CR at the very end kept when no LF follows", bytes: Array("a\r".utf8), lines: ["a\r"]),
  ]

  @Test(arguments: cases)
  func splitsOnlyOnLineFeed(_ testCase: Case) throws {
    let file = try TemporaryFile(testCase.bytes)
    let reader = try LineReader(path: file.path)
    var lines: [String] = []
    while let line = try reader.nextLine() { lines.append(line) }
    #expect(lines == testCase.lines)
    #expect(reader.lineNumber == testCase.lines.count)
    #expect(reader.bytesRead == testCase.bytes.count)
  }

  @Test func linesAcrossManyBufferRefillsAndOneLongerThanTheBuffer() throws {
    var text = ""
    for index in 0..<30_000 { text += "line \(index)\n" }
    let long = String(repeating: "x", count: 200_000)
    text += long + "\nlast"
    let file = try TemporaryFile(Array(text.utf8))
    let reader = try LineReader(path: file.path)
    var count = 0
    var seenLong = false
    var last = ""
    while let line = try reader.nextLine() {
      if count < 30_000 { #expect(line == "line \(count)") }
      if line == long { seenLong = true }
      last = line
      count += 1
    }
    #expect(count == 30_002)
    #expect(seenLong)
    #expect(last == "last")
  }

  @Test(arguments: [
    (Array("ok\nab".utf8) + [0xFF] + Array("c\n".utf8), 2, 3),
    ([0xC3], 1, 1),
    (Array("é".utf8) + [0x80], 1, 2),
  ] as [([UInt8], Int, Int)])
  func invalidUTF8IsLocatedAtItsLineAndColumn(bytes: [UInt8], line: Int, column: Int) throws {
    let file = try TemporaryFile(bytes)
    let reader = try LineReader(path: file.path)
    #expect {
      while try reader.nextLine() != nil {}
    } throws: { error in
      guard let error = error as? InputError else { return false }
      return error.reason == .invalidUTF8 && error.line == line && error.column == column
    }
  }

  @Test func inputsThatAreNotFilesAreNamed() throws {
    let folder = FileManager.default.temporaryDirectory.path
    #expect(throws: InputError(path: folder, reason: .isDirectory)) { try LineReader(path: folder) }
    #expect(throws: InputError(path: "/dev/zero", reason: .notAFile(kind: "character device"))) {
      try LineReader(path: "/dev/zero")
    }
    let missing = folder + "/iopb-no-such-\(getpid())"
    #expect(throws: InputError(path: missing, reason: .missing)) { try LineReader(path: missing) }
    #expect(throws: InputError(path: missing + "/x", reason: .missing)) { try LineReader(path: missing + "/x") }
  }

  @Test(.enabled(if: getuid() != 0, "root reads files whatever their mode"))
  func unreadableFileSaysPermissionDenied() throws {
    let file = try TemporaryFile(Array("x\n".utf8))
    chmod(file.path, 0)
    #expect(throws: InputError(path: file.path, reason: .permissionDenied)) { try LineReader(path: file.path) }
  }

  @Test func byteLimitStopsAnEndlessInput() throws {
    let file = try TemporaryFile(Array(repeating: UInt8(ascii: "a"), count: 100_000))
    let reader = try LineReader(path: file.path, byteLimit: 70_000)
    #expect(throws: InputError(path: file.path, reason: .tooLarge(limit: 70_000))) {
      while try reader.nextLine() != nil {}
    }
  }

  @Test func lineLimitBoundsTheBuffer() throws {
    let file = try TemporaryFile(Array(repeating: UInt8(ascii: "a"), count: 300_000))
    let reader = try LineReader(path: file.path, lineLimit: 1 << 17)
    #expect {
      while try reader.nextLine() != nil {}
    } throws: { error in
      (error as? InputError)?.line == 1
    }
  }

  @Test func messageHasTheCompilersForm() {
    let error = InputError(path: "a.scn", line: 3, column: 7, reason: .invalidUTF8)
    #expect(error.description == "a.scn:3:7: error: the text is not valid UTF-8 here")
  }
}

/// A file in the temporary folder holding `bytes`, removed when the value is released.
final class TemporaryFile {
  let path: String

  init(_ bytes: [UInt8]) throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("iopb-\(UUID().uuidString)").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}
