import IOPBCommands
import Testing

@testable import IOPBMetal

/// A kernel that answers every `V` line of the tests' differential (`--vectors 50 --seed 4`) as
/// `IOPBCPU` does (or flips one), or fails; a program that does not carry those vectors' lines
/// is refused, so the command must send them all.
struct ModelGuest: MetalGuest {
  var flip: Int?
  var fails = false
  let differential = MetalDifferential(random: 50, seed: 4)

  func run(_ program: String) async throws(MetalRunError) -> MetalTranscript {
    if fails { throw MetalRunError(message: "qemu missing", partial: MetalTranscript(parsing: "I accel tcg\nR 0 A")) }
    guard program.contains(differential.program) else {
      throw MetalRunError(message: "the program lacks the differential's vectors", partial: MetalTranscript(parsing: ""))
    }
    var lines = ["I accel tcg"]
    for (index, vector) in differential.vectors.enumerated() {
      let allowed = vector.modelDecision.isAllowed != (index == flip)
      lines.append("R \(String(index, radix: 16)) \(allowed ? "A" : "G 0")")
    }
    return MetalTranscript(parsing: (lines + ["DONE"]).joined(separator: "\n"))
  }
}

@Suite struct MetalCommandTests {
  @Test func differentialExitsZeroWhenTheCPUAgrees() async throws {
    let command = try IOPB.Metal.Differential.parse(["--vectors", "50", "--seed", "4"])
    let output = await command.execute(guest: ModelGuest())
    #expect(output.exitCode == 0)
    #expect(output.output.contains("72 vectors (22 edges, 50 random)"))
    #expect(output.output.contains("0 disagreements"))
    let again = await command.execute(guest: ModelGuest())
    #expect(again.output == output.output)
  }

  @Test func differentialExitsOneAndNamesTheVector() async throws {
    let command = try IOPB.Metal.Differential.parse(["--vectors", "50", "--seed", "4"])
    let output = await command.execute(guest: ModelGuest(flip: 30))
    #expect(output.exitCode == 1)
    #expect(output.output.contains("DISAGREE vector 30 ("))
  }

  @Test func aKernelThatCannotRunExits69() async throws {
    let command = try IOPB.Metal.Differential.parse(["--vectors", "50", "--seed", "4"])
    let output = await command.execute(guest: ModelGuest(fails: true))
    #expect(output.exitCode == 69)
    #expect(output.diagnostics == "error: qemu missing")
  }

  @Test(arguments: [["--accel", "xen"], ["--vectors", "-1"]])
  func badOptionsAreUsageErrors(_ arguments: [String]) {
    #expect(throws: (any Error).self) { try IOPB.Metal.Differential.parse(arguments) }
  }

  @Test func aMalformedScenarioFileExits64() async throws {
    let command = try IOPB.Metal.Designs.parse(["/nonexistent/file.scn", "--random", "0"])
    let output = await command.execute(guest: ModelGuest())
    #expect(output.exitCode == 64)
    #expect(output.diagnostics.contains("/nonexistent/file.scn"))
  }
}
