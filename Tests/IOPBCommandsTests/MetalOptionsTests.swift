import IOPBCommands
import Testing

/// `iopb metal`'s counts are bounded before anything is built or booted: a huge one is a usage
/// error, not an allocation that traps.
@Suite struct MetalOptionsTests {
  static let differentialCases: [UsageCase] = [
    UsageCase(arguments: ["--vectors=-1"], message: "--vectors must be from 0 to 1000000, not -1"),
    UsageCase(arguments: ["--vectors", "9223372036854775807"], message: "--vectors must be from 0 to 1000000"),
  ]

  static let designsCases: [UsageCase] = [
    UsageCase(arguments: ["--random", "9223372036854775807"], message: "--random must be from 0 to 100000"),
    UsageCase(arguments: ["--random", "0"], message: "give scenario files or --random N"),
  ]

  static let allCases: [UsageCase] = [
    UsageCase(arguments: ["--vectors", "1000001"], message: "--vectors must be from 0 to 1000000, not 1000001"),
    UsageCase(arguments: ["--scenarios", "100001"], message: "--scenarios must be from 0 to 100000, not 100001"),
  ]

  @Test(arguments: differentialCases)
  func differentialCountsAreBounded(_ testCase: UsageCase) throws {
    let error = try #require(usageError(IOPB.Metal.Differential.self, testCase.arguments))
    #expect(error.exitCode == 64)
    #expect(error.message.contains(testCase.message), "\(error.message)")
  }

  @Test(arguments: designsCases)
  func designsCountsAreBounded(_ testCase: UsageCase) throws {
    let error = try #require(usageError(IOPB.Metal.Designs.self, testCase.arguments))
    #expect(error.exitCode == 64)
    #expect(error.message.contains(testCase.message), "\(error.message)")
  }

  @Test(arguments: allCases)
  func allCountsAreBounded(_ testCase: UsageCase) throws {
    let error = try #require(usageError(IOPB.Metal.All.self, testCase.arguments))
    #expect(error.exitCode == 64)
    #expect(error.message.contains(testCase.message), "\(error.message)")
  }
}
