import ArgumentParser
import Foundation
import IOPBCommands
import Testing

/// `iopb check` with `arguments`, parsed and validated as on the command line.
func iopbCheck(_ arguments: [String]) async throws -> CommandOutput {
  try await IOPB.Check.Explore.parse(arguments).execute()
}

@Suite struct CheckTests {
  static let badFlags: [UsageCase] = [
    UsageCase(arguments: ["--strategy", "nope"], message: "unknown strategy 'nope'"),
    UsageCase(arguments: ["--cpus", "0"], message: "--cpus must be 1…8, not 0"),
    UsageCase(arguments: ["--ports", "100"], message: "--ports must be a multiple of 64"),
    UsageCase(arguments: ["--ops", "switch,jump"], message: "--ops: unknown operation 'jump'"),
    UsageCase(arguments: ["--ranges", "7-x"], message: "--ranges: '7-x' is not PORT or LOW-HIGH"),
    UsageCase(arguments: ["--ranges", "200", "--ports", "128"], message: "range 200-200 lies outside ports 0…127"),
    UsageCase(arguments: ["--deviation", "nope"], message: "unknown deviation 'nope'"),
    UsageCase(arguments: ["--shard", "3/2"], message: "--shard 3/2 names no shard"),
    UsageCase(arguments: ["--format", "xml"], message: "--format must be text or json"),
    UsageCase(arguments: ["--jobs", "9223372036854775807"], message: "--jobs must be 1…64"),
    UsageCase(arguments: ["--max-memory", "9223372036854775807"], message: "--max-memory must be 1…"),
    UsageCase(arguments: ["--timeout=-1"], message: "--timeout must be a positive number of seconds"),
    UsageCase(arguments: ["--max-states", "0"], message: "--max-states must be positive"),
  ]

  @Test(arguments: badFlags)
  func badFlagsAreUsageErrorsNamingTheFlag(_ testCase: UsageCase) throws {
    let error = try #require(usageError(IOPB.Check.Explore.self, testCase.arguments))
    #expect(error.exitCode == 64)
    #expect(error.message.contains(testCase.message), "\(error.message)")
    #expect(!error.message.contains("\n"))
  }

  @Test func aMutantExitsOneWithAScenarioAndTheOracleLine() async throws {
    let output = try await iopbCheck([
      "--strategy", "linux-5.5+copies-only-incoming-max", "--cpus", "1", "--no-measurements",
    ])
    #expect(output.exitCode == 1)
    #expect(output.output.contains("VIOLATION after"))
    #expect(output.output.contains("\nprocess t0 cpu0 root\n"))
    #expect(output.diagnostics.contains("oracle: not runnable on the real kernel: a reduced port count is model-only"))
  }

  @Test func jsonFollowsTheSchemaAndIsByteIdenticalWithoutMeasurements() async throws {
    let arguments = ["--cpus", "1", "--depth", "5", "--format", "json", "--no-measurements"]
    let first = try await iopbCheck(arguments)
    let second = try await iopbCheck(arguments)
    #expect(first.exitCode == 0)
    #expect(first.output == second.output)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any])
    #expect(object["schema"] as? String == "iopb-check/1")
    #expect(object["result"] as? String == "no-violation")
    #expect((object["states"] as? Int ?? 0) > 10)
    #expect(object["seconds"] == nil)
  }

  @Test func aBoundStopsTheRunWithExitThreeAndSaysWhich() async throws {
    let output = try await iopbCheck(["--cpus", "1", "--max-states", "50", "--no-measurements"])
    #expect(output.exitCode == 3)
    #expect(output.output.contains("stopped by --max-states"))
  }

  @Test func theCounterexampleIsNotWrittenThroughASymbolicLink() async throws {
    let target = try temporaryFile("kept\n", name: "target.scn")
    let link = target + ".link"
    #expect(symlink(target, link) == 0)
    let output = try await iopbCheck([
      "--strategy", "linux-5.5+copies-only-incoming-max", "--cpus", "1", "--no-measurements", "--counterexample", link,
    ])
    #expect(output.exitCode == 73)
    #expect(output.diagnostics == "error: \(link): cannot write: is a symbolic link; only a new path or a regular file is written")
    #expect(FileManager.default.contents(atPath: target) == Data("kept\n".utf8))
  }

  @Test func mergeSaysWhyAFileCannotBeRead() throws {
    let folder = FileManager.default.temporaryDirectory.path
    for (path, message) in [(folder, "is a folder, not a file"), ("/dev/zero", "is a character device, not a file"), (folder + "/iopb-none-\(getpid()).json", "no such file")] {
      let output = try IOPB.Check.Merge.parse([path]).execute()
      #expect(output.exitCode == 64)
      #expect(output.diagnostics == "\(path):0:0: error: \(message)")
    }
  }

  @Test func mergeRefusesAFileThatIsNoResultNamingIt() throws {
    let file = try temporaryFile("{\"schema\": \"other\"}", name: "bad.json")
    let output = try IOPB.Check.Merge.parse([file]).execute()
    #expect(output.exitCode == 64)
    #expect(output.diagnostics.hasPrefix(file + ": error:"))
  }
}
