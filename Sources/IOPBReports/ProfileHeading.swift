import IOPBCost
import IOPBText

/// The line above a comparison's tables: the profile, its switch base, where copies are priced
/// from, and the seed that replaced the workloads' own.
struct ProfileHeading {
  let profile: CycleProfile
  let seed: UInt64?

  var text: String {
    let source =
      profile.residency.map { "in \($0.rawValue)" }
      ?? "inferred per copy (L1 \(FixedPoint.format(profile[.cacheL1Bytes], digits: 0)) B, L2 \(FixedPoint.format(profile[.cacheL2Bytes], digits: 0)) B)"
    var line =
      "profile \(profile.name): switch.base \(FixedPoint.format(profile[.switchBase], digits: 0)) cycles, copy source \(source)"
    if let seed { line += ", seed \(seed)" }
    return line
  }
}
