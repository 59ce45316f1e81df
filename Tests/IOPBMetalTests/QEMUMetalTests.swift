import Foundation
import IOPBCommands
import IOPBCost
import IOPBScenario
import Testing

@testable import IOPBMetal

private let root = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The metal kernel on QEMU (TCG here, KVM where usable): one boot runs the KPTI
/// demonstration, the timings, the differential (the edges and 10 000 seeded vectors) and the
/// designs over the repository's scenarios, metal/scenarios and 40 generated ones. Runs when `scripts/test` sets
/// IOPB_METAL=1.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["IOPB_METAL"] == "1"), .serialized)
struct QEMUMetalTests {
  @Test func everythingAgreesOnTheCPU() async throws {
    let seed = UInt64(ProcessInfo.processInfo.environment["IOPB_METAL_SEED"] ?? "") ?? 2019
    let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("scenarios").path)
      .filter { $0.hasSuffix(".scn") }.sorted()
    var scenarios = try files.map { try Scenario.load(contentsOf: root.appendingPathComponent("scenarios/\($0)").path) }
    scenarios.append(try Scenario.load(contentsOf: root.appendingPathComponent("metal/scenarios/remap-stale-translation.scn").path))
    var generator = MetalScenarioGenerator(seed: seed)
    scenarios += try generator.texts(count: 40).map { try ScenarioParser.parse($0.text, source: $0.name) }
    let suite = MetalSuite(
      differential: MetalDifferential(random: 10_000, seed: seed), scenarios: scenarios, isolation: true, timingRuns: 128)
    let guest = QEMUMetalGuest(bootScript: root.appendingPathComponent("scripts/metal-boot").path)
    let transcript = try await guest.run(suite.program)
    let report = suite.report(transcript)
    print(report.lines.joined(separator: "\n"))

    let differential = try #require(report.differential)
    #expect(differential.vectors == 10_000 + MetalVectorSet.edges.count)
    #expect(differential.agrees, "seed \(seed): \(differential.disagreements.prefix(5))")
    if transcript.accelerator == "tcg" {
      // QEMU's check_io denies every port below limit 0x67 (docs/metal.md, QEMU and the SDM).
      #expect(!differential.qemuDifferences.isEmpty)
    }

    let designs = try #require(report.designs)
    #expect(designs.failures.isEmpty, "seed \(seed): \(designs.failures.prefix(5))")
    for design in MetalDesign.allCases { #expect((designs.accesses[design] ?? 0) > 500, "\(design)") }
    #expect((designs.counts[.remapInvlpg]?["invlpg"] ?? 0) > 0)
    #expect((designs.counts[.perThreadTSS]?["ltr"] ?? 0) > 0)
    #expect((designs.counts[.lazyGPCopy]?["fixups"] ?? 0) > 0)
    #expect(designs.skipped.isEmpty, "\(designs.skipped)")
    // Without the INVLPG the second thread reads the first's bitmap through the cached
    // translation: QEMU's software TLB keeps it as a CPU's would.
    #expect(designs.disagreements(of: .remapWithoutInvlpg).contains { $0.step.contains("remap-stale-translation.scn:10") })

    let isolation = try #require(report.isolation)
    #expect(isolation.demonstrated, "\(isolation.attempts)")

    // The profile reads back and `compare` runs with it; the values are not checked.
    let profile = try #require(report.profile)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("iopb-metal-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("metal.profile").path
    try MetalCalibration.fileText(profile, transcript: transcript).write(toFile: file, atomically: true, encoding: .utf8)
    let compare = try IOPB.Compare.parse(["--profile", file, "--workload", "high-port", "--strategy", "linux-5.5"]).execute()
    #expect(compare.exitCode == 0, "\(compare.diagnostics)")
    if transcript.accelerator != "kvm" {
      #expect(profile.figures[.taskRegisterLoad]?.source.contains("NOT A HARDWARE FIGURE") == true)
    }
  }

  /// A TSS wholly outside the entry area: even the #DF cannot be delivered, the CPU resets.
  @Test func aTSSWhollyOutsideTheEntryAreaResetsTheCPU() async throws {
    let guest = QEMUMetalGuest(bootScript: root.appendingPathComponent("scripts/metal-boot").path)
    do {
      _ = try await guest.run("W\n")
      Issue.record("the kernel finished after a triple fault")
    } catch {
      let report = MetalWholeOutsideReport(error.partial)
      #expect(report.reset, "\(error.partial.info) \(error.partial.isolation)")
    }
  }
}
