/// Deterministic decimal text for report numbers: rounded half away from zero to a fixed
/// number of digits, with no locale, exponent or platform formatting involved.
public enum FixedPoint {
  /// `value` with exactly `digits` decimals (`nan`, `inf` and `-inf` for the non-finite ones;
  /// magnitudes of 9e18 units and beyond fall back to Swift's own description).
  public static func format(_ value: Double, digits: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9e18 else { return String(describing: value) }
    let units = Int64(scaled)
    let divisor = Int64(scale)
    let whole = units / divisor
    let sign = value < 0 && units != 0 ? "-" : ""
    guard digits > 0 else { return "\(sign)\(whole)" }
    let fraction = String(units % divisor)
    let padding = String(repeating: "0", count: digits - fraction.count)
    return "\(sign)\(whole).\(padding)\(fraction)"
  }
}
