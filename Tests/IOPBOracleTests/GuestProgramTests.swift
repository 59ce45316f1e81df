import IOPBKernel
import IOPBOracle
import IOPBScenario
import Testing

@Suite struct GuestProgramTests {
  let scenario = try! ScenarioParser.parse(
    """
    cpus 2
    process a cpu1
    process b cpu0 user
    a: ioperm 0x80 1 on -> ok
    switch cpu1 idle
    a: outb 0x80 -> allow
    a: outw 0x80 -> deny
    a: fork c -> ok
    c: thread d cpu0
    d: migrate cpu1
    b: iopl -1 -> EINVAL
    b: sti -> gp
    c: exec
    a: setresuid 1
    a: exit
    """, source: "t.scn")

  @Test func compilesThreadsToActorsAndStepsToTheirIndex() {
    let program = GuestProgram.compile([scenario])
    #expect(program.text == """
      scenario 0
      actor 0 1 root
      actor 1 0 user
      step 2 0 ioperm 128 1 1
      step 4 0 outb80
      step 5 0 in 128 2
      step 6 0 fork 2 1
      step 7 2 thread 3 0
      step 8 3 migrate 1
      step 9 1 iopl 4294967295
      step 10 1 sti
      step 11 2 exec
      step 12 0 setresuid 1
      step 13 0 exit
      end

      """)
    #expect(program.sentSteps == [[2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]])
  }

  @Test func transcriptLinesAreParsedAndNoiseIgnored() {
    let transcript = GuestTranscript(parsing: """
      I kernel 6.1.0-56-amd64
      [    0.5] random kernel noise
      S 0
      R 0 2 ok
      R 0 4 allow
      E 0 5 actor 0 timed out
      DONE
      """)
    #expect(transcript.information["kernel"] == "6.1.0-56-amd64")
    #expect(transcript.results[0] == [2: "ok", 4: "allow"])
    #expect(transcript.failures == [GuestFailure(scenario: 0, step: 5, message: "actor 0 timed out")])
    #expect(transcript.finished)
  }

  @Test func comparisonNamesTheDisagreeingStep() {
    let program = GuestProgram.compile([scenario])
    let prediction = ModelPrediction(scenario)
    var kernelSays = prediction.results.filter { program.sentSteps[0].contains($0.key) }
    var transcript = GuestTranscript()
    transcript.results[0] = kernelSays
    transcript.finished = true
    let agreeing = OracleComparison.compare([scenario], program: program, transcript: transcript)
    #expect(agreeing.agrees)
    #expect(agreeing.steps == 11)
    kernelSays[5] = "allow"
    transcript.results[0] = kernelSays
    let report = OracleComparison.compare([scenario], program: program, transcript: transcript)
    #expect(report.disagreements.map(\.description) == ["t.scn:7: a: outw 0x80: model deny, kernel allow"])
    #expect(report.summary == "oracle: 1 scenarios, 11 steps compared, 1 disagreements")
  }

  @Test func aGuestThatStoppedEarlyLeavesStepsUnreachedNotDisagreeing() {
    let program = GuestProgram.compile([scenario])
    var transcript = GuestTranscript()
    transcript.results[0] = [2: "ok", 4: "allow"]
    let report = OracleComparison.compare([scenario], program: program, transcript: transcript)
    #expect(report.steps == 2)
    #expect(report.unreached == 9)
    #expect(report.disagreements.isEmpty)
    #expect(report.summary.hasSuffix("0 disagreements, 9 steps not reached"))
  }

  /// The deviations a guest can show: the others need a failed fork or an I/O worker.
  @Test func onlyFailedForkAndIOWorkerDeviationsAreOutOfTheGuestsReach() {
    #expect(
      Set(KernelDeviation.allCases).subtracting(OracleSupport.observableDeviations)
        == [.failedForkDropsParentBitmap, .ioWorkerInheritsFlag])
  }

  @Test(arguments: OracleSupport.observableDeviations)
  func everyDeviationChangesAPredictionOfTheSelftestsOrErrnoOrder(_ deviation: KernelDeviation) throws {
    let probe = try ScenarioParser.parse(
      """
      process a cpu0 user
      process r cpu0
      a: ioperm 0 0 1
      r: ioperm 0x80 1 1
      r: fork c
      c: inb 0x80
      c: ioperm 0x81 1 1
      r: inb 0x81
      r: exec
      r: inb 0x80
      """, source: "probe.scn")
    #expect(ModelPrediction(probe).results != ModelPrediction(probe, deviations: [deviation]).results)
  }

  @Test func prefixStopsBeforeModelOnlySteps() throws {
    let scenario = try ScenarioParser.parse(
      "process a cpu0\na: inb 0x80\ninject enomem\na: ioperm 1 1 1", source: "p.scn")
    let (prefix, cut) = OracleSupport.supportedPrefix(scenario)
    #expect(prefix.steps.count == 2)
    #expect(cut == "stops before line 3 ('inject enomem'): model-only step")
    let big = try ScenarioParser.parse("cpus 3\nprocess a cpu2", source: "c.scn")
    #expect(OracleSupport.unsupportedReason(big) == "needs 3 CPUs; the guest has 2")
  }
}
