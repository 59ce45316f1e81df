import IOPBCost
import IOPBScenario
import IOPBText

/// One boot of the metal kernel doing any of its jobs: the KPTI demonstration, the timings,
/// the differential of the CPU check, the designs over scenarios.
public struct MetalSuite: Sendable {
  public var differential: MetalDifferential?
  public var designs: MetalDesignRun?
  public var isolation: Bool
  /// Runs per timing (at most 2048, the kernel's sample buffer); nil for no timing.
  public var timingRuns: Int?

  /// The parts; the designs' access ids follow the differential's vector ids.
  public init(
    differential: MetalDifferential? = nil, scenarios: [Scenario]? = nil, designs: [MetalDesign] = MetalDesign.allCases,
    isolation: Bool = false, timingRuns: Int? = nil
  ) {
    self.differential = differential
    self.designs = scenarios.map {
      MetalDesignRun(scenarios: $0, designs: designs, firstID: differential?.vectors.count ?? 0)
    }
    self.isolation = isolation
    self.timingRuns = timingRuns.map { min($0, 2048) }
  }

  /// The program text the kernel reads.
  public var program: String {
    var text = ""
    if isolation { text += "K\n" }
    if let timingRuns { text += "T \(String(timingRuns, radix: 16))\n" }
    if let differential { text += differential.program }
    if let designs { text += designs.program }
    return text
  }

  public func report(_ transcript: MetalTranscript) -> MetalSuiteReport {
    var report = MetalSuiteReport(transcript: transcript)
    report.differential = differential?.compare(transcript)
    report.designs = designs?.compare(transcript)
    if isolation { report.isolation = MetalIsolationReport(transcript) }
    if let timingRuns {
      do {
        report.profile = try MetalCalibration.profile(from: transcript, runs: timingRuns)
      } catch {
        report.problems.append(error.description)
      }
    }
    return report
  }
}

/// What one boot showed.
public struct MetalSuiteReport: Sendable {
  public var transcript: MetalTranscript
  public var differential: MetalDifferentialReport?
  public var designs: MetalDesignReport?
  public var isolation: MetalIsolationReport?
  public var profile: CycleProfile?
  public var problems: [String] = []

  /// Every part run held: the differential and the designs agree, KPTI demonstrated, the
  /// profile made.
  public var passed: Bool {
    problems.isEmpty && (differential?.agrees ?? true) && (designs?.agrees ?? true)
      && (isolation?.demonstrated ?? true)
  }

  /// The report's lines: disagreements first, then the summaries.
  public var lines: [String] {
    var lines: [String] = []
    if let differential {
      lines += differential.disagreements.prefix(50).map { "DISAGREE \($0)" }
      lines += differential.qemuDifferences.prefix(3).map { "qemu-differs-from-sdm \($0)" }
      lines.append(differential.summary)
    }
    if let designs {
      lines += designs.skipped.map { "note: \($0)" }
      lines += designs.failures.prefix(50).map { "DISAGREE \($0)" }
      lines += designs.disagreements.filter { !$0.design.mustAgree }.prefix(5).map { "stale: \($0)" }
      lines.append("metal designs: \(designs.scenarios) scenarios on the CPU (\(designs.accelerator))")
      lines += designs.lines.map { "  \($0)" }
    }
    if let isolation { lines += isolation.lines }
    if profile != nil {
      var table = TextTable(columns: [.left, .right, .right, .right], rows: [["timing", "bytes", "min", "median"]])
      for timing in transcript.timings {
        table.rows.append([
          timing.key, "\(timing.bytes)", FixedPoint.format(timing.minimum, digits: 0), FixedPoint.format(timing.median, digits: 0),
        ])
      }
      lines.append("metal timing: RDTSC cycles in ring 0 on \(transcript.cpu) (\(transcript.accelerator)), empty measurement not subtracted")
      lines += table.lines.map { "  \($0)" }
    }
    if let profile, transcript.accelerator != "kvm" {
      lines.append("metal timing: \(MetalCalibration.tcgWarning) (profile \(profile.name))")
    }
    lines += problems.map { "error: \($0)" }
    return lines
  }

  /// How long the boot took, for standard error (it would make the report differ run to run).
  public var timingNote: String? {
    transcript.info["wall-seconds"].map { "metal: boot and run \($0) s (\(transcript.accelerator))" }
  }
}
