import IOPBCommands
import IOPBStrategies
import Testing

@Suite struct StrategiesTests {
  @Test func listsTheCatalogueOneNameALine() throws {
    let report = try IOPB.Strategies.parse([]).execute()
    #expect(report.exitCode == 0)
    #expect(report.output.split(separator: "\n").map(String.init) == StrategyCatalog.names)
  }
}
