import IOPBCommands
import IOPBStrategies
import Testing

@Suite struct StrategiesTests {
  @Test func namesListTheCatalogueThenTheVariantsOneALine() throws {
    let report = try IOPB.Strategies.parse(["--names"]).execute()
    #expect(report.exitCode == 0)
    #expect(report.output.split(separator: "\n").map(String.init) == StrategyCatalog.names + StrategyCatalog.variantNames)
  }

  /// Every design, the variants too, with its origin, mechanism, KPTI validity and each of its
  /// limitations, in catalogue order.
  @Test func eachDesignHasItsOriginMechanismKPTIAndLimitations() throws {
    let report = try IOPB.Strategies.parse([]).execute()
    #expect(report.exitCode == 0)
    let lines = report.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var previous = -1
    for strategy in StrategyCatalog.all + StrategyCatalog.variants {
      let heading = try #require(lines.firstIndex(of: strategy.name), "\(strategy.name)")
      #expect(heading > previous, "\(strategy.name) in catalogue order")
      previous = heading
      #expect(!strategy.origin.isEmpty && !strategy.mechanism.isEmpty, "\(strategy.name)")
      #expect(lines[heading + 1] == "  from:  \(strategy.origin)")
      #expect(lines[heading + 2] == "  does:  \(strategy.mechanism)")
      #expect(lines[heading + 3].hasPrefix(strategy.kptiCompatible ? "  KPTI:  yes" : "  KPTI:  no"))
      let limits = strategy.limitations.map { "  limit: \($0)" }
      #expect(Array(lines[(heading + 4)...].prefix(max(1, limits.count))) == (limits.isEmpty ? ["  limits: none"] : limits))
    }
  }

  /// The mechanism is one line of at most 100 characters.
  @Test func mechanismsAreOneShortLine() {
    for strategy in StrategyCatalog.all + StrategyCatalog.variants {
      #expect(!strategy.mechanism.contains("\n"), "\(strategy.name)")
      #expect(strategy.mechanism.count <= 100, "\(strategy.name): \(strategy.mechanism.count)")
    }
  }
}
