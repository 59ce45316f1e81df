import Foundation
import IOPBCost
import Testing

@Suite struct CycleProfileTests {
  /// Every stored property of OperationCounts (found by Mirror, not taken from the hand-kept
  /// list) is priced or is an event that costs nothing, never both.
  @Test func everyCountedFieldIsPricedOrAnEvent() throws {
    try #require(OperationCounts.propertiesWrittenByFields == OperationCounts.storedPropertyNames)
    let names = Set(OperationCounts.fields.map(\.name))
    #expect(CycleProfile.pricedFieldNames.union(CycleProfile.eventFieldNames) == names)
    #expect(CycleProfile.pricedFieldNames.isDisjoint(with: CycleProfile.eventFieldNames))
    for (name, path) in OperationCounts.fields where CycleProfile.eventFieldNames.contains(name) {
      var counts = OperationCounts()
      counts[keyPath: path] = 1
      #expect(CycleProfile.default.cycles(for: counts, copiesFrom: .cold) == 0, "\(name) is an event but costs cycles")
    }
  }

  @Test func everyPricedFieldCostsSomething() {
    for (name, path) in OperationCounts.fields where CycleProfile.pricedFieldNames.contains(name) {
      var counts = OperationCounts()
      counts[keyPath: path] = 1
      #expect(CycleProfile.default.cycles(for: counts, copiesFrom: .l1) > 0, "\(name)")
    }
  }

  @Test func everyDefaultFigureCitesItsSource() {
    for profile in CycleProfile.builtIn {
      for key in CostKey.allCases {
        let figure = profile.figures[key]
        #expect(figure != nil, "\(profile.name) lacks \(key.rawValue)")
        #expect(figure?.source.isEmpty == false)
      }
    }
  }

  /// The default profile prices a copy where the caller infers its source; molnar-2004 forces
  /// L2 whatever the inference.
  static let perByte: [(CopyResidency, Double)] = [(.l1, 1.0 / 32), (.l2, 1.0 / 29), (.cold, 1.0)]

  @Test(arguments: perByte)
  func pricesACopyAtItsResidency(inferred: CopyResidency, rate: Double) {
    var counts = OperationCounts()
    counts.copies = 1
    counts.bytesCopied = 8192
    let byDefault: Double = 30 + 8192 * rate
    let byMolnar: Double = 30 + 8192 * 0.49
    #expect(abs(CycleProfile.default.cycles(for: counts, copiesFrom: inferred) - byDefault) < 1e-9)
    #expect(abs(CycleProfile.molnar2004.cycles(for: counts, copiesFrom: inferred) - byMolnar) < 1e-9)
  }

  @Test func fileOverridesFiguresAndKeepsTheRest() throws {
    let text = """
      # a sandbox profile
      name = sandbox
      copy.residency = l1   # hot
      copy.per_byte.l1 = 1/40
      invlpg = 250          # measured elsewhere

      """
    let profile = try CycleProfile.parse(text, source: "sandbox.profile")
    #expect(profile.name == "sandbox")
    #expect(profile.residency == .l1)
    #expect(profile[.copyPerByteL1] == 1.0 / 40)
    #expect(profile[.pageInvalidation] == 250)
    #expect(profile.figures[.pageInvalidation]?.source == "sandbox.profile:5: measured elsewhere")
    #expect(profile[.taskRegisterLoad] == CycleProfile.default[.taskRegisterLoad])
  }

  @Test func fileTextReadsBackToTheSameFigures() throws {
    for profile in CycleProfile.builtIn {
      let parsed = try CycleProfile.parse(profile.fileText, source: "round-trip")
      #expect(parsed.name == profile.name)
      #expect(parsed.residency == profile.residency)
      for key in CostKey.allCases { #expect(parsed[key] == profile[key], "\(key.rawValue)") }
    }
  }

  @Test(arguments: [
    ("invlpg 220", 1, "expected `key = value`"),
    ("\n\nwarp.drive = 3", 3, "unknown key 'warp.drive'"),
    ("ltr = fast", 1, "'fast' is not a number"),
    ("ltr = -1", 1, "must be from 0 to 1e9"),
    ("switch.base = 1e308", 1, "must be from 0 to 1e9"),
    ("ltr = 20\r\ninvlpg = x\r\n", 2, "'x' is not a number"),
    ("ltr = 1/0", 1, "is not a number"),
    ("ltr = 10\n# ok\nltr = 20", 3, "'ltr' already set on line 1"),
    ("copy.residency = l3", 1, "copy.residency must be auto, l1, l2 or cold"),
    ("= 4", 1, "missing key"),
    ("lgdt =   # nothing", 1, "missing value for 'lgdt'"),
    ("ltr = 150\ngdt_write = 80", 2, "'gdt_write' was split into 'descriptor_write'"),
    ("clock.ghz = 0", 1, "clock.ghz must be above 0"),
    ("ltr = 20 # a comment\u{0C}invlpg = x\ninvlpg = y", 2, "'y' is not a number"),
    ("ltr = 20\u{2028}invlpg = x", 1, "'20\u{2028}invlpg = x' is not a number"),
  ])
  func malformedLinesAreReportedWithTheirLine(text: String, line: Int, message: String) {
    #expect {
      _ = try CycleProfile.parse(text, source: "bad.profile")
    } throws: { error in
      guard let error = error as? ProfileError else { return false }
      return error.line == line && error.description.hasPrefix("bad.profile:\(line): ")
        && error.message.contains(message) && !error.description.contains("\n")
    }
  }

  @Test func controlCharactersInMessagesAreEscaped() {
    #expect {
      _ = try CycleProfile.parse("lt\0r = 1", source: "bad\t.profile")
    } throws: { error in
      (error as? ProfileError)?.description == #"bad\t.profile:1: unknown key 'lt\0r'; known: "# + CycleProfile.knownKeys.joined(separator: ", ")
    }
  }

  /// A fresh folder for one test.
  func folder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("iopb-profile-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  @Test func aFileIsReadWithItsFiguresSourcedToItsLines() throws {
    let path = try folder() + "/p.profile"
    try Data("ltr = 150 # measured\r\ninvlpg = 3\n".utf8).write(to: URL(fileURLWithPath: path))
    let profile = try CycleProfile.load(path)
    #expect(profile[.taskRegisterLoad] == 150)
    #expect(profile.figures[.taskRegisterLoad]?.source == "\(path):1: measured")
    #expect(profile.figures[.pageInvalidation]?.source == "\(path):2")
  }

  @Test func unreadablePathsSayWhy() throws {
    let folder = try folder()
    let known = CycleProfile.builtIn.map(\.name).joined(separator: ", ")
    let cases = [
      (folder + "/none.profile", "no such profile file, and no built-in profile of that name (built-in profiles: \(known))"),
      (folder, "is a folder, not a file"),
      ("/dev/zero", "is a character device, not a file"),
    ]
    for (path, message) in cases {
      #expect(throws: ProfileError(source: path, line: 0, message: message)) { try CycleProfile.load(path) }
    }
  }

  @Test func invalidUTF8IsLocatedAtItsLineAndColumn() throws {
    let path = try folder() + "/bad.profile"
    try Data(Array("ltr = 150\ninvlpg = 3".utf8) + [0xFF]).write(to: URL(fileURLWithPath: path))
    #expect {
      _ = try CycleProfile.load(path)
    } throws: { error in
      (error as? ProfileError)?.description == "\(path):2:11: the text is not valid UTF-8 here"
    }
  }

  @Test func aPipeIsRead() throws {
    let path = try folder() + "/fifo.profile"
    #expect(mkfifo(path, 0o600) == 0)
    // A thread of its own: opening a FIFO blocks until the other end opens.
    let written = DispatchSemaphore(value: 0)
    Thread {
      let handle = FileHandle(forWritingAtPath: path)
      handle?.write(Data("ltr = 77\n".utf8))
      try? handle?.close()
      written.signal()
    }.start()
    let profile = try CycleProfile.load(path)
    written.wait()
    #expect(profile[.taskRegisterLoad] == 77)
  }
}
