import IOPBCPU
import IOPBCost
import IOPBScenario
import Testing

@testable import IOPBMetal

/// A transcript answering every vector as `decide` says.
func transcript(for differential: MetalDifferential, decide: (MetalVector) -> Bool) -> MetalTranscript {
  var lines = ["I accel tcg"]
  for (index, vector) in differential.vectors.enumerated() {
    lines.append("R \(String(index, radix: 16)) \(decide(vector) ? "A" : "G 0")")
  }
  lines.append("DONE")
  return MetalTranscript(parsing: lines.joined(separator: "\n"))
}

@Suite struct MetalReportTests {
  @Test func transcriptParsesEveryLineKind() {
    let text = """
      I accel tcg
      I cpu AuthenticAMD/QEMU TCG CPU
      R 1f A
      R 20 G 0
      R 21 X e
      T copy-hot 8 1103 1421
      K outside 8 0
      Q copies 3 bytes 24 invlpg 0 ltr 2 fixups 1
      E kernel trap vector d
      DONE
      """
    let parsed = MetalTranscript(parsing: text)
    #expect(parsed.accelerator == "tcg")
    #expect(parsed.cpu == "AuthenticAMD/QEMU TCG CPU")
    #expect(parsed.results[0x1f] == .allowed)
    #expect(parsed.results[0x20] == .generalProtection(error: 0))
    #expect(parsed.results[0x21] == .other(vector: 0xe))
    #expect(parsed.timings == [MetalTranscript.Timing(key: "copy-hot", bytes: 8, minimum: 1103, median: 1421)])
    #expect(parsed.isolation == [MetalTranscript.IsolationAttempt(name: "outside", vector: 8, detail: 0)])
    #expect(parsed.counts == [["copies": 3, "bytes": 24, "invlpg": 0, "ltr": 2, "fixups": 1]])
    #expect(parsed.errors == ["kernel trap vector d"])
    #expect(parsed.finished)
  }

  @Test func differentialAgreesWithTheModelAndCatchesOneFlip() {
    let differential = MetalDifferential(random: 300, seed: 3)
    let agreeing = differential.compare(transcript(for: differential) { $0.modelDecision.isAllowed })
    #expect(agreeing.agrees)
    #expect(agreeing.vectors == 300 + MetalVectorSet.edges.count)
    let flipped = differential.vectors[25]
    let report = differential.compare(
      transcript(for: differential) { $0 == flipped ? !$0.modelDecision.isAllowed : $0.modelDecision.isAllowed })
    #expect(report.disagreements.map(\.index) == [25])
    var missing = transcript(for: differential) { $0.modelDecision.isAllowed }
    missing.results[7] = nil
    #expect(differential.compare(missing).disagreements.map(\.index) == [7])
  }

  @Test func qemuDenyingAShortTSSIsNamedNotADisagreementUnderTCGOnly() throws {
    let differential = MetalDifferential(random: 0, seed: 1)
    let index = try #require(differential.vectors.firstIndex { $0.qemuDeniesShortTSS && $0.modelDecision.isAllowed })
    var tcg = transcript(for: differential) { $0.modelDecision.isAllowed }
    tcg.results[index] = .generalProtection(error: 0)
    let report = differential.compare(tcg)
    #expect(report.agrees)
    #expect(report.qemuDifferences.map(\.index) == [index])
    var kvm = tcg
    kvm.info["accel"] = "kvm"
    #expect(differential.compare(kvm).disagreements.map(\.index) == [index])
  }

  @Test func isolationNeedsAllThreeOutcomes() {
    let good = MetalTranscript(parsing: "K fixed 80 0\nK outside 8 0\nK outside-without-kpti 80 0\nDONE")
    #expect(MetalIsolationReport(good).demonstrated)
    let noFault = MetalTranscript(parsing: "K fixed 80 0\nK outside 80 0\nK outside-without-kpti 80 0\nDONE")
    #expect(!MetalIsolationReport(noFault).demonstrated)
  }

  @Test func wholeOutsideIsAResetOnlyAfterItsAnnouncementAndANormalQEMUExit() {
    #expect(MetalWholeOutsideReport(MetalTranscript(parsing: "I whole-outside begin\nI qemu-exit 0")).reset)
    #expect(!MetalWholeOutsideReport(MetalTranscript(parsing: "I whole-outside begin\nI qemu-exit 124")).reset)
    #expect(!MetalWholeOutsideReport(MetalTranscript(parsing: "I qemu-exit 0")).reset)
    let back = MetalWholeOutsideReport(MetalTranscript(parsing: "I whole-outside begin\nK whole-outside 8 0\nI qemu-exit 0"))
    #expect(!back.reset)
    #expect(back.returned?.vector == 8)
  }

  static let timings = """
    I accel tcg
    I cpu AuthenticAMD/QEMU TCG CPU
    T overhead 0 70 90
    T copy-hot 8 1100 1400
    T copy-cold 8 1120 1440
    T copy-hot 8192 600000 610000
    T copy-cold 8192 620000 630000
    T map-base-write 2 100 110
    T access-hot 1 80 85
    T invlpg 0 600 620
    T invlpg-access 1 900 950
    T ltr 0 170 196
    T descriptor-ltr 0 200 220
    T gp-roundtrip 1 9800 10400
    DONE
    """

  @Test func calibrationMakesAProfileThatReadsBackAndSaysTCG() throws {
    let parsed = MetalTranscript(parsing: Self.timings)
    let profile = try MetalCalibration.profile(from: parsed, runs: 256)
    #expect(profile[.copyStartup] == 1030)
    #expect(profile[.taskRegisterLoad] == 100)
    #expect(profile[.descriptorWrite] == 30)
    #expect(profile[.tlbMiss] == 900 - 600 - 80 + 70)
    #expect(profile[.generalProtectionFixup] == 9730)
    let text = MetalCalibration.fileText(profile, transcript: parsed)
    #expect(text.contains("NOT hardware figures"))
    let reread = try CycleProfile.parse(text, source: "metal.profile")
    #expect(reread[.pageInvalidation] == 530)
    #expect(reread.figures[.pageInvalidation]?.source.contains("NOT A HARDWARE FIGURE") == true)
    #expect(reread.figures[.pageInvalidation]?.source.contains("QEMU TCG CPU") == true)
  }

  @Test func calibrationNamesAMissingTiming() {
    let parsed = MetalTranscript(parsing: "I accel tcg\nT overhead 0 70 90\nDONE")
    #expect(throws: MetalCalibration.Missing.self) { try MetalCalibration.profile(from: parsed, runs: 1) }
  }
}
