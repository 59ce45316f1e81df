/// A place along a sweep's first axis where the cheapest design changes.
public struct Crossover: Sendable, Hashable, Codable {
  public var workload: String
  /// The second axis's value the change was found at, if the sweep has a second axis.
  public var fixed: SweepValue?
  /// The cheapest design below the change, and the one above it.
  public var from: String
  public var to: String
  /// The neighbouring grid values the change lies between.
  public var lower: SweepValue
  public var upper: SweepValue
  /// Where the two designs' cycles are equal, interpolated linearly between ``lower`` and
  /// ``upper``; nil on a category axis, or when either design has no figure at one end (a
  /// violation), where only ``lower`` and ``upper`` are known.
  public var at: Double?

  public init(
    workload: String, fixed: SweepValue?, from: String, to: String, lower: SweepValue, upper: SweepValue,
    at: Double?
  ) {
    self.workload = workload
    self.fixed = fixed
    self.from = from
    self.to = to
    self.lower = lower
    self.upper = upper
    self.at = at
  }

  /// The changes of cheapest design along `points`, which share a workload and a second-axis
  /// value and are in the first axis's order. A change is reported only when no design
  /// cheapest on one side is cheapest on the other (a tie that resolves is no change).
  public static func changes(along points: [SweepPoint], fixed: SweepValue?) -> [Crossover] {
    var found: [Crossover] = []
    var previous: SweepPoint?
    for point in points where !point.cheapest.isEmpty {
      defer { previous = point }
      guard let before = previous, Set(before.cheapest).isDisjoint(with: point.cheapest),
        let from = before.cheapest.first, let to = point.cheapest.first
      else { continue }
      var at: Double?
      if let x0 = before.values[0].number, let x1 = point.values[0].number,
        let a0 = before.cycles(of: from), let b0 = before.cycles(of: to),
        let a1 = point.cycles(of: from), let b1 = point.cycles(of: to)
      {
        at = LineCrossing.meeting(x0: x0, x1: x1, difference0: a0 - b0, difference1: a1 - b1)
      }
      found.append(
        Crossover(
          workload: point.workload, fixed: fixed, from: from, to: to, lower: before.values[0],
          upper: point.values[0], at: at))
    }
    return found
  }
}

/// Where two of a chart's lines cross.
public struct LineCrossing: Sendable, Hashable, Codable {
  public var first: String
  public var second: String
  /// Interpolated linearly between the grid points around the crossing.
  public var x: Double
  public var y: Double

  public init(first: String, second: String, x: Double, y: Double) {
    self.first = first
    self.second = second
    self.x = x
    self.y = y
  }

  /// Every crossing of every pair of `lines` over the grid `xs` (ascending), in pair order,
  /// then by x. A gap (nil) ends a line's stretch; lines that only touch, or run together, do
  /// not cross. Where the difference is 0 at grid points between a sign change, the crossing
  /// is the first of them.
  public static func all(xs: [Double], lines: [(name: String, ys: [Double?])]) -> [LineCrossing] {
    var found: [LineCrossing] = []
    for i in lines.indices {
      for j in lines.indices where j > i {
        var last: (index: Int, difference: Double)?
        for k in xs.indices {
          guard k < lines[i].ys.count, k < lines[j].ys.count, let a = lines[i].ys[k], let b = lines[j].ys[k] else {
            last = nil
            continue
          }
          let difference = a - b
          guard difference != 0 else { continue }
          defer { last = (k, difference) }
          guard let previous = last, (previous.difference < 0) != (difference < 0) else { continue }
          let x: Double
          let y: Double
          if k - previous.index > 1 {
            x = xs[previous.index + 1]
            y = lines[i].ys[previous.index + 1] ?? a
          } else {
            x = meeting(x0: xs[previous.index], x1: xs[k], difference0: previous.difference, difference1: difference)
            let a0 = lines[i].ys[previous.index] ?? a
            y = xs[k] == xs[previous.index] ? a : a0 + (a - a0) * (x - xs[previous.index]) / (xs[k] - xs[previous.index])
          }
          found.append(LineCrossing(first: lines[i].name, second: lines[j].name, x: x, y: y))
        }
      }
    }
    return found
  }

  /// The x between `x0` and `x1` where a difference that is linear in x and runs from
  /// `difference0` to `difference1` is 0; `x1` when it does not change.
  static func meeting(x0: Double, x1: Double, difference0: Double, difference1: Double) -> Double {
    guard difference1 != difference0 else { return x1 }
    let fraction = min(1, max(0, -difference0 / (difference1 - difference0)))
    return x0 + (x1 - x0) * fraction
  }
}
