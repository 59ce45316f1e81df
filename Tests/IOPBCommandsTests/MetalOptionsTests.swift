import IOPBCommands
import Testing

/// `iopb metal`'s counts are bounded before anything is built or booted: a huge one is a usage
/// error, not an allocation that traps.
@Suite struct MetalOptionsTests {
  /// A subcommand, by name, and arguments it must refuse with `message`.
  struct Case: Sendable, CustomTestStringConvertible {
    var command: String
    var arguments: [String]
    var message: String
    var testDescription: String { ([command] + arguments).joined(separator: " ") }

    /// The usage error parsing the arguments as the subcommand stops at.
    var refusal: (exitCode: Int32, message: String)? {
      switch command {
      case "differential": usageError(IOPB.Metal.Differential.self, arguments)
      case "designs": usageError(IOPB.Metal.Designs.self, arguments)
      default: usageError(IOPB.Metal.All.self, arguments)
      }
    }
  }

  static let cases: [Case] = [
    Case(command: "differential", arguments: ["--vectors=-1"], message: "from 0 to 1000000, not -1"),
    Case(command: "differential", arguments: ["--vectors", "\(Int.max)"], message: "--vectors must be from 0 to 1000000"),
    Case(command: "designs", arguments: ["--random", "\(Int.max)"], message: "--random must be from 0 to 100000"),
    Case(command: "designs", arguments: ["--random", "0"], message: "give scenario files or --random N"),
    Case(command: "all", arguments: ["--vectors", "1000001"], message: "--vectors must be from 0 to 1000000"),
    Case(command: "all", arguments: ["--scenarios", "100001"], message: "--scenarios must be from 0 to 100000"),
  ]

  @Test(arguments: cases)
  func countsAreBounded(_ testCase: Case) throws {
    let error = try #require(testCase.refusal)
    #expect(error.exitCode == 64)
    #expect(error.message.contains(testCase.message), "\(error.message)")
  }
}
