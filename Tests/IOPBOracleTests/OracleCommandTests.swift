import Foundation
import IOPBCommands
import IOPBKernel
import IOPBOracle
import IOPBScenario
import Testing

/// `iopb oracle`'s decisions, with a scripted guest in place of QEMU: parsed as from the command
/// line, executed in-process.
@Suite struct OracleCommandTests {
  /// Four sent steps (1 to 4, on lines 2 to 5) whose model results differ in kind.
  static let small = """
    process a cpu0
    a: ioperm 0x80 1 on
    a: inb 0x80
    a: inb 0x81
    a: cli
    """

  /// Every `*.scn` file of `scenarios/`, listed rather than named.
  static let repositoryScenarios: [String] = {
    let directory = repositoryRoot.appendingPathComponent("scenarios").path
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return files.filter { $0.hasSuffix(".scn") }.sorted()
  }()

  /// The scenarios the QEMU test boots, which between them catch every deviation a guest can show.
  static let deviationScenarios = ["selftest-ioperm.scn", "selftest-iopl.scn", "errno-order.scn", "lifecycle.scn"]

  func oracle(_ arguments: [String], guest: some OracleGuest) async throws -> CommandOutput {
    try await IOPB.Oracle.parse(arguments).execute(guest: guest)
  }

  func lines(_ text: String, starting prefix: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
  }

  @Test func repositoryScenariosAreListed() {
    #expect(Self.repositoryScenarios.contains("lifecycle.scn"))
    #expect(Set(Self.deviationScenarios).isSubset(of: Self.repositoryScenarios))
  }

  @Test(arguments: repositoryScenarios)
  func agreementExitsZero(_ name: String) async throws {
    let scenario = try loadScenario(scenarioPath(name))
    let sent = GuestProgram.compile([OracleSupport.supportedPrefix(scenario).scenario]).sentSteps[0].count
    let result = try await oracle([scenarioPath(name)], guest: ScriptedGuest.model(of: [scenario]))
    #expect(result.exitCode == 0, "\(result.output)\n\(result.diagnostics)")
    #expect(lines(result.output, starting: "DISAGREE").isEmpty)
    #expect(result.output.hasSuffix("\(sent) steps compared, 0 disagreements (kernel scripted)")
      || result.output.hasSuffix("\(sent) steps compared, 0 disagreements (kernel scripted), 1 cut short or skipped"))
    #expect(sent > 0)
  }

  @Test func generatedScenariosAgreeAndAreSavedAsGenerated() async throws {
    let directory = try TemporaryDirectory()
    let saved = (directory.path as NSString).appendingPathComponent("saved/deeper")
    var generator = RandomScenarios(seed: 2019)
    let generated = generator.texts(count: 4)
    let scenarios = try generated.map { try ScenarioParser.parse($0.text, source: $0.name) }
    let result = try await oracle(
      ["--random", "4", "--seed", "2019", "--save", saved], guest: ScriptedGuest.model(of: scenarios))
    #expect(result.exitCode == 0, "\(result.output)\n\(result.diagnostics)")
    #expect(result.output.hasPrefix("oracle: 4 scenarios, "))
    for (name, text) in generated {
      let file = (saved as NSString).appendingPathComponent(name + ".scn")
      #expect(FileManager.default.contents(atPath: file) == Data(text.utf8), "\(file)")
    }
  }

  /// A step the fake kernel answers differently from the model.
  struct Flip: Sendable, CustomTestStringConvertible {
    var step: Int
    var kernel: String
    /// The line `DISAGREE` must print, after the file name.
    var disagreement: String
    var testDescription: String { "step \(step) → \(kernel)" }
  }

  @Test(arguments: [
    Flip(step: 1, kernel: "EPERM", disagreement: ":2: a: ioperm 0x80 1 on: model ok, kernel EPERM"),
    Flip(step: 2, kernel: "deny", disagreement: ":3: a: inb 0x80: model allow, kernel deny"),
    Flip(step: 3, kernel: "allow", disagreement: ":4: a: inb 0x81: model deny, kernel allow"),
    Flip(step: 4, kernel: "nop", disagreement: ":5: a: cli: model gp, kernel nop"),
  ])
  func disagreementExitsOneNamingFileAndLine(_ flip: Flip) async throws {
    let file = try TemporaryDirectory().file("small.scn", Self.small)
    let guest = ScriptedGuest.model(of: [try loadScenario(file)], overrides: [0: [flip.step: flip.kernel]])
    let result = try await oracle([file], guest: guest)
    #expect(result.exitCode == 1)
    #expect(lines(result.output, starting: "DISAGREE") == ["DISAGREE \(file)\(flip.disagreement)"])
    #expect(result.output.hasSuffix("oracle: 1 scenarios, 4 steps compared, 1 disagreements (kernel scripted)"))
  }

  @Test(arguments: OracleSupport.observableDeviations)
  func deviationMakesADisagreement(_ deviation: KernelDeviation) async throws {
    let files = Self.deviationScenarios.map(scenarioPath)
    let faithful = ScriptedGuest.model(of: try files.map(loadScenario))
    let baseline = try await oracle(files, guest: faithful)
    #expect(baseline.exitCode == 0, "\(baseline.output)")
    let flipped = try await oracle(files + ["--deviation", deviation.rawValue], guest: faithful)
    #expect(flipped.exitCode == 1)
    #expect(!lines(flipped.output, starting: "DISAGREE").isEmpty, "flipping \(deviation) went unnoticed")
  }

  /// A malformed file, or one that cannot be read, among good ones.
  struct Malformed: Sendable, CustomTestStringConvertible {
    var text: String?
    /// How the one diagnostic line starts after the file name.
    var message: String
    var testDescription: String { message }
  }

  @Test(arguments: [
    Malformed(text: "process a cpu0\na: ioperm 1 2\n", message: ":2:4: error: usage: ioperm FROM NUM ON"),
    Malformed(text: "process a cpu0\na: jump 3\n", message: ":2:4: error: unknown operation 'jump'"),
    Malformed(text: nil, message: ":0:0: error: no such file"),
  ])
  func malformedScenarioExitsSixtyFourWithoutBooting(_ malformed: Malformed) async throws {
    let directory = try TemporaryDirectory()
    let file = try malformed.text.map { try directory.file("bad.scn", $0) }
      ?? (directory.path as NSString).appendingPathComponent("missing.scn")
    let result = try await oracle([scenarioPath("lifecycle.scn"), file], guest: UnreachableGuest())
    #expect(result.exitCode == 64)
    #expect(result.diagnostics.hasPrefix(file + malformed.message), "\(result.diagnostics)")
    #expect(!result.diagnostics.contains("\n"))
    #expect(result.output.isEmpty)
  }

  /// A guest that stops after `stopAfter` of the four steps of ``small``, maybe after answering
  /// one step differently from the model.
  struct Stop: Sendable, CustomTestStringConvertible {
    var stopAfter: Int
    var flippedStep: Int?
    var disagreements: [String]
    var testDescription: String { "stop after \(stopAfter), flip \(flippedStep.map(String.init) ?? "none")" }
  }

  @Test(arguments: [
    Stop(stopAfter: 0, flippedStep: nil, disagreements: []),
    Stop(stopAfter: 2, flippedStep: nil, disagreements: []),
    Stop(stopAfter: 3, flippedStep: 2, disagreements: [":3: a: inb 0x80: model allow, kernel flipped"]),
    Stop(stopAfter: 1, flippedStep: 3, disagreements: []),
  ])
  func guestFailureExitsSixtyNineAfterComparingWhatItReached(_ stop: Stop) async throws {
    let file = try TemporaryDirectory().file("small.scn", Self.small)
    let overrides = stop.flippedStep.map { [0: [$0: "flipped"]] } ?? [:]
    let guest = ScriptedGuest.model(of: [try loadScenario(file)], overrides: overrides, stopAfter: stop.stopAfter)
    let result = try await oracle([file], guest: guest)
    #expect(result.exitCode == 69)
    #expect(result.diagnostics == "error: scripted guest stopped after \(stop.stopAfter) steps")
    #expect(lines(result.output, starting: "DISAGREE") == stop.disagreements.map { "DISAGREE \(file)\($0)" })
    #expect(result.output.hasSuffix(
      "oracle: 1 scenarios, \(stop.stopAfter) steps compared, \(stop.disagreements.count) disagreements, "
        + "\(4 - stop.stopAfter) steps not reached (kernel scripted)"))
  }

  /// Generated scenarios go to the guest a batch at a time, without changing the verdict: with
  /// a kernel that answers `ok` to everything, batches of 2 print what one boot prints.
  @Test func batchesGiveTheVerdictOfOneBoot() async throws {
    let boots = Boots()
    let guest = ScriptedGuest(answer: { _, _ in "ok" }, onRun: { boots.count() })
    let file = scenarioPath("lifecycle.scn")
    let whole = try await oracle([file, "--random", "5", "--seed", "3"], guest: guest)
    #expect(boots.total == 1)
    let batched = try await oracle([file, "--random", "5", "--seed", "3", "--batch", "2"], guest: guest)
    #expect(boots.total == 4)
    #expect(whole.exitCode == 1)
    #expect(!lines(whole.output, starting: "DISAGREE").isEmpty)
    #expect(batched.output == whole.output)
    #expect(batched.exitCode == whole.exitCode)
  }

  /// A guest that fails ends the run after its boot is compared, saying how many were not run.
  @Test func aFailedBootEndsTheRun() async throws {
    let boots = Boots()
    let guest = ScriptedGuest(answer: { _, _ in "ok" }, stopAfter: 0, onRun: { boots.count() })
    let result = try await oracle(["--random", "5", "--seed", "3", "--batch", "2"], guest: guest)
    #expect(boots.total == 1)
    #expect(result.exitCode == 69)
    #expect(result.diagnostics.hasSuffix("error: the guest stopped in boot 1 of 3: 3 generated scenarios not run"))
  }

  /// `--kernel` takes a Debian release or its kernel series.
  @Test(arguments: [("bookworm", OracleKernel.bookworm), ("6.1", .bookworm), ("trixie", .trixie), ("6.12", .trixie)])
  func kernelNames(_ name: String, _ kernel: OracleKernel) {
    #expect(OracleKernel(name: name) == kernel)
    #expect((try? IOPB.Oracle.parse(["x.scn", "--kernel", name])) != nil)
  }

  /// `--save` into a folder that cannot be created, or onto a name a folder already has.
  @Test(arguments: ["under a regular file", "onto a folder"])
  func saveFailureExitsSeventyThreeNamingPathAndReason(_ situation: String) async throws {
    let directory = try TemporaryDirectory()
    let save: String
    let expected: String
    if situation == "under a regular file" {
      save = (try directory.file("plain", "") as NSString).appendingPathComponent("saved")
      expected = "error: \(save): cannot create the folder: Not a directory"
    } else {
      save = directory.path
      let taken = (save as NSString).appendingPathComponent("random-1-0.scn")
      try FileManager.default.createDirectory(atPath: taken, withIntermediateDirectories: false)
      expected = "error: \(taken): cannot write: Is a directory"
    }
    let result = try await oracle(["--random", "1", "--seed", "1", "--save", save], guest: UnreachableGuest())
    #expect(result.exitCode == 73)
    #expect(result.diagnostics == expected)
  }

  /// Flag-shape problems are ArgumentParser validation errors: exit 64 with a message.
  @Test(arguments: [
    ([String](), "give scenario files or --random N"),
    (["--random=-1"], "--random must not be negative"),
    (["--random", "1000000000"], "--random 1000000000 is more than 1000000 scenarios"),
    (["--random", "9223372036854775807"], "is more than 1000000 scenarios"),
    (["--random", "1", "--batch", "0"], "--batch must be between 1 and 2000"),
    (["x.scn", "--kernel", "sid"], "--kernel"),
    (["x.scn", "--deviation", "nope"], "unknown deviation 'nope'"),
    (["x.scn", "--save", "out"], "--save writes the generated scenarios: give --random N too"),
  ])
  func badFlagsAreUsageErrors(_ arguments: [String], _ message: String) {
    #expect {
      _ = try IOPB.Oracle.parse(arguments)
    } throws: { error in
      IOPB.Oracle.exitCode(for: error).rawValue == 64 && IOPB.Oracle.message(for: error).contains(message)
    }
  }
}
