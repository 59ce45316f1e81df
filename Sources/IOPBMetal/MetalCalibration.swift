import IOPBCost
import IOPBText

/// Turns the metal kernel's RDTSC timings (`T` lines) into a ``CycleProfile``: every figure
/// measured in ring 0 names what was timed, on which CPU, under KVM or TCG. Under TCG the
/// numbers are QEMU's emulation speed, not hardware cycles; each source and the profile's name
/// say so.
public enum MetalCalibration {
  /// Why a transcript cannot become a profile.
  public struct Missing: Error, Sendable, Hashable, CustomStringConvertible {
    public var key: String
    public var description: String { "the metal kernel reported no timing '\(key)'" }
  }

  /// The warning every TCG figure carries.
  public static let tcgWarning = "TCG: QEMU's emulation speed, NOT A HARDWARE FIGURE"

  /// The profile: the cited defaults, with the figures the kernel measured replaced.
  public static func profile(from transcript: MetalTranscript, runs: Int) throws(Missing) -> CycleProfile {
    func timing(_ key: String, _ bytes: Int) throws(Missing) -> MetalTranscript.Timing {
      guard let timing = transcript.timings.first(where: { $0.key == key && $0.bytes == bytes }) else {
        throw Missing(key: "\(key) \(bytes)")
      }
      return timing
    }
    let accelerator = transcript.accelerator
    let underTCG = accelerator != "kvm"
    let overhead = try timing("overhead", 0).minimum
    func source(_ what: String, _ timings: [MetalTranscript.Timing]) -> String {
      let measured = timings.map { "\($0.key) \($0.bytes) B min \(FixedPoint.format($0.minimum, digits: 0)) median \(FixedPoint.format($0.median, digits: 0))" }
      return "metal RDTSC in ring 0 (\(accelerator), \(transcript.cpu)): \(what); \(measured.joined(separator: ", ")); "
        + "min of \(runs) runs less the empty measurement (\(FixedPoint.format(overhead, digits: 0)))"
        + (underTCG ? "; \(tcgWarning)" : " [OWN]")
    }
    func rounded(_ value: Double) -> Double { (max(0, value) * 1000).rounded() / 1000 }

    var profile = CycleProfile.default
    profile.name = underTCG ? "metal-tcg-not-hardware" : "metal-kvm"
    let small = try timing("copy-hot", 8)
    let hot = try timing("copy-hot", 8192)
    let cold = try timing("copy-cold", 8192)
    let span = Double(8192 - 8)
    profile.figures[.copyStartup] = CostFigure(
      rounded(small.minimum - overhead), source: source("memcpy of 8 B into the TSS bitmap", [small]))
    profile.figures[.copyPerByteL1] = CostFigure(
      rounded((hot.minimum - small.minimum) / span), source: source("memcpy 8 KiB vs 8 B, source hot", [hot, small]))
    profile.figures[.copyPerByteCold] = CostFigure(
      rounded((cold.minimum - small.minimum) / span), source: source("memcpy 8 KiB after CLFLUSH of the source vs 8 B hot", [cold, small]))
    let base = try timing("map-base-write", 2)
    profile.figures[.mapBaseWrite] = CostFigure(rounded(base.minimum - overhead), source: source("16-bit store to TSS+0x66", [base]))
    let invlpg = try timing("invlpg", 0)
    profile.figures[.pageInvalidation] = CostFigure(
      rounded(invlpg.minimum - overhead), source: source("INVLPG of a remap-window bitmap page", [invlpg]))
    let access = try timing("access-hot", 1)
    let afterFlush = try timing("invlpg-access", 1)
    profile.figures[.tlbMiss] = CostFigure(
      rounded(afterFlush.minimum - invlpg.minimum - access.minimum + overhead),
      source: source("first read of the page after INVLPG, less INVLPG and a hot read", [afterFlush, invlpg, access]))
    let ltr = try timing("ltr", 0)
    profile.figures[.taskRegisterLoad] = CostFigure(
      rounded(ltr.minimum - overhead), source: source("busy bit cleared, LTR", [ltr]))
    let descriptor = try timing("descriptor-ltr", 0)
    profile.figures[.descriptorWrite] = CostFigure(
      rounded(descriptor.minimum - ltr.minimum), source: source("TSS descriptor rewritten before LTR, less LTR", [descriptor, ltr]))
    let roundTrip = try timing("gp-roundtrip", 1)
    profile.figures[.generalProtectionFixup] = CostFigure(
      rounded(roundTrip.minimum - overhead),
      source: source("denied INB at CPL 3 → #GP handler → IRETQ, timed in user mode", [roundTrip]))
    return profile
  }

  /// The profile file, with a loud header under TCG.
  public static func fileText(_ profile: CycleProfile, transcript: MetalTranscript) -> String {
    var header = ["# iopb metal calibrate: RDTSC in the metal kernel's ring 0 (\(transcript.accelerator), \(transcript.cpu))"]
    if transcript.accelerator != "kvm" {
      header += [
        "# WARNING: measured under QEMU TCG. These are emulation costs, NOT hardware figures;",
        "# use them to check the tool chain, never to compare designs. Run with KVM for real cycles.",
      ]
    }
    return header.joined(separator: "\n") + "\n" + profile.fileText
  }
}
