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

  /// A fresh folder for one test.
  func folder() throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("iopb-load-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.path
  }

  /// The path of `t.scn` in a fresh folder, holding `bytes` unless they are nil.
  func path(holding bytes: [UInt8]?) throws -> String {
    let file = try folder() + "/t.scn"
    if let bytes { try Data(bytes).write(to: URL(fileURLWithPath: file)) }
    return file
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
    LoadCase(
      name: "not UTF-8, at its line and column", bytes: Array("process a cpu0\na: inb".utf8) + [0xFF] + Array(" 0x80\n".utf8),
      message: "2:7: error: the text is not valid UTF-8 here"),
    LoadCase(
      name: "problems before the bad byte are kept", bytes: Array("nope\n# é".utf8) + [0xC3],
      message: "1:1: error: unknown line 'nope': expected cpus, ports, config, process, switch, return, vmexit, inject or 'THREAD: operation'\nPATH:2:4: error: the text is not valid UTF-8 here"),
    LoadCase(name: "no such file", bytes: nil, message: "0:0: error: no such file"),
  ]

  @Test(arguments: problems)
  func problemsNameTheFile(_ testCase: LoadCase) throws {
    let path = try path(holding: testCase.bytes)
    let error = #expect(throws: ScenarioErrors.self) { try Scenario.load(contentsOf: path) }
    #expect(error?.description == "\(path):" + testCase.message.replacingOccurrences(of: "PATH", with: path))
  }

  @Test func pathsThatAreNotFilesSayWhatTheyAre() throws {
    let folder = try folder()
    let cases = [
      (folder, "is a folder, not a file"),
      ("/dev/zero", "is a character device, not a file"),
      (folder + "/missing/t.scn", "no such file"),
    ]
    for (path, message) in cases {
      let error = #expect(throws: ScenarioErrors.self) { try Scenario.load(contentsOf: path) }
      #expect(error?.description == "\(path):0:0: error: \(message)")
    }
  }

  @Test(.enabled(if: getuid() != 0, "root reads files whatever their mode"))
  func aDeniedFileSaysPermissionDenied() throws {
    let path = try path(holding: Array("process a cpu0\n".utf8))
    chmod(path, 0)
    let error = #expect(throws: ScenarioErrors.self) { try Scenario.load(contentsOf: path) }
    #expect(error?.description == "\(path):0:0: error: permission denied")
  }

  /// A FIFO (what `<(…)` gives) is read like a file, line by line as the writer sends them.
  @Test func aPipeIsRead() throws {
    let path = try folder() + "/fifo.scn"
    #expect(mkfifo(path, 0o600) == 0)
    // A thread of its own: opening a FIFO blocks until the other end opens.
    let written = DispatchSemaphore(value: 0)
    Thread {
      let handle = FileHandle(forWritingAtPath: path)
      handle?.write(Data("process a cpu0\na: inb 0x80 -> deny\n".utf8))
      try? handle?.close()
      written.signal()
    }.start()
    let scenario = try Scenario.load(contentsOf: path)
    written.wait()
    #expect(scenario.steps.count == 2)
  }

  @Test func aFileOverTheLimitIsRefusedNamingIt() throws {
    let line = Array("# a comment line, to be repeated well past the limit\n".utf8)
    let bytes = Array([[UInt8]](repeating: line, count: Scenario.byteLimit / line.count + 2).joined())
    let path = try path(holding: bytes)
    let error = #expect(throws: ScenarioErrors.self) { try Scenario.load(contentsOf: path) }
    #expect(error?.description == "\(path):0:0: error: is larger than the limit of \(Scenario.byteLimit) bytes")
  }

  @Test func controlCharactersInThePathAreEscaped() throws {
    let path = try folder() + "/a\tb\u{7F}.scn"
    let error = #expect(throws: ScenarioErrors.self) { try Scenario.load(contentsOf: path) }
    #expect(error?.description.hasSuffix(#"/a\tb\u{7F}.scn:0:0: error: no such file"#) == true)
  }
}
