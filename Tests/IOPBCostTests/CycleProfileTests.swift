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
}
