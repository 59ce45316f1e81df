import Foundation
import IOPBScenario
import Testing

@Suite struct ScenarioLoadTests {
  struct LoadCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// The file's bytes; nil for no file at all.
    var bytes: [UInt8]?
    /// The error expected after `PATH:`.
    var message: String
    var testDescription: String { name }
  }

  /// The path of `t.scn` in a fresh folder, holding `bytes` unless they are nil.
  func path(holding bytes: [UInt8]?) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("iopb-load-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let file = directory.appendingPathComponent("t.scn")
    if let bytes { try Data(bytes).write(to: file) }
    return file.path
  }

  @Test func readsAndParsesWithThePathAsSource() throws {
    let path = try path(holding: Array("process a cpu0\na: inb 0x80 -> deny\n".utf8))
    let scenario = try Scenario.load(contentsOf: path)
    #expect(scenario.source == path)
    #expect(scenario.steps.count == 2)
  }

  static let problems: [LoadCase] = [
    LoadCase(
      name: "a malformed line", bytes: Array("process a cpu0\na: ioperm 1 2\n".utf8),
      message: "2:4: error: usage: ioperm FROM NUM ON"),
    LoadCase(name: "not UTF-8", bytes: [0xFF, 0xFE, 0x00, 0xC3], message: "0:0: error: the file is not UTF-8 text"),
    LoadCase(name: "no such file", bytes: nil, message: "0:0: error: cannot read the file"),
  ]

  @Test(arguments: problems)
  func problemsNameTheFile(_ testCase: LoadCase) throws {
    let path = try path(holding: testCase.bytes)
    let error = #expect(throws: ScenarioErrors.self) { try Scenario.load(contentsOf: path) }
    #expect(error?.description == "\(path):\(testCase.message)")
  }
}
