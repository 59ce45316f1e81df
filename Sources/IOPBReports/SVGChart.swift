import Foundation

/// A line chart as a standalone SVG element, written by hand so that it is small and
/// byte-identical for the same data: axes with units, one styled line per series
/// (``ChartStyle``), shaded bands, numbered crossing labels and a legend below the plot.
public struct SVGChart: Sendable {
  /// How x values map to the width.
  public enum Scale: Sendable, Hashable {
    case linear
    /// Base-2 logarithmic, with ticks at powers of two (for byte counts).
    case log2
  }

  /// One line: a y per x of ``SVGChart/xs``; nil leaves a gap (a run with a violation).
  public struct Series: Sendable, Hashable {
    public var name: String
    public var ys: [Double?]
    public var style: ChartStyle

    public init(name: String, ys: [Double?], style: ChartStyle) {
      self.name = name
      self.ys = ys
      self.style = style
    }
  }

  /// A shaded area between two edges over ``SVGChart/xs``: a figure's cited range.
  public struct Band: Sendable, Hashable {
    /// The legend's text: what varies, over which range, from which source.
    public var label: String
    public var lower: [Double?]
    public var upper: [Double?]
    public var colour: String

    public init(label: String, lower: [Double?], upper: [Double?], colour: String) {
      self.label = label
      self.lower = lower
      self.upper = upper
      self.colour = colour
    }
  }

  /// A numbered circle at a data point, explained in a list beside the chart.
  public struct Label: Sendable, Hashable {
    public var number: Int
    public var x: Double
    public var y: Double

    public init(number: Int, x: Double, y: Double) {
      self.number = number
      self.x = x
      self.y = y
    }
  }

  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var scale: Scale
  /// True for a base-10 logarithmic y axis, from the power of ten at or below the least
  /// positive value (at least 1); smaller values, 0 among them, sit on the bottom edge.
  public var logarithmicY = false
  public var xs: [Double]
  public var series: [Series]
  public var bands: [Band] = []
  public var labels: [Label] = []
  /// Tick labels for x values (e.g. `8 KiB`); the number itself when nil.
  public var xTickText: (@Sendable (Double) -> String)?
  public var width = 960.0
  public var plotHeight = 380.0

  public init(title: String, xLabel: String, yLabel: String, scale: Scale, xs: [Double], series: [Series]) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.scale = scale
    self.xs = xs
    self.series = series
  }

  private var left: Double { 78 }
  private var right: Double { 20 }
  private var top: Double { 34 }
  private var plotWidth: Double { width - left - right }
  private var legendTop: Double { top + plotHeight + 58 }
  private var legendRowHeight: Double { 20 }
  private var legendColumns: Int { 2 }
  private var legendRows: Int {
    let entries = series.count
    return (entries + legendColumns - 1) / legendColumns + bands.count
  }

  /// Total height: title, plot, x axis, legend.
  public var height: Double { legendTop + Double(legendRows) * legendRowHeight + 8 }

  /// The y range: 0 (or a power of ten) to a round number above every value and band edge.
  private var yTicks: [Double] {
    let values = series.flatMap { $0.ys.compactMap { $0 } } + bands.flatMap { $0.upper.compactMap { $0 } }
    let top = max(values.max() ?? 1, 1)
    if logarithmicY {
      let least = max(1, values.filter { $0 > 0 }.min() ?? 1)
      let low = Int(floor(log10(least)))
      let high = max(low + 1, Int(ceil(log10(top))))
      return (low...high).map { pow(10, Double($0)) }
    }
    let step = Self.niceStep(top / 5)
    let count = Int((top / step).rounded(.up))
    return (0...max(1, count)).map { Double($0) * step }
  }

  /// 1, 2 or 5 times a power of ten, at least `raw`.
  static func niceStep(_ raw: Double) -> Double {
    let power = pow(10, floor(log10(max(raw, 1e-9))))
    for factor in [1.0, 2, 5, 10] where factor * power >= raw { return factor * power }
    return 10 * power
  }

  private var xTicks: [Double] {
    guard let low = xs.first, let high = xs.last, high > low else { return xs }
    switch scale {
    case .log2:
      var ticks: [Double] = []
      var tick = pow(2, ceil(log2(low)))
      while tick <= high * (1 + 1e-9) {
        ticks.append(tick)
        tick *= 2
      }
      return ticks
    case .linear:
      let step = Self.niceStep((high - low) / 8)
      var ticks: [Double] = []
      var tick = ceil(low / step) * step
      while tick <= high + step * 1e-9 {
        ticks.append((tick * 1e9).rounded() / 1e9)
        tick += step
      }
      return ticks
    }
  }

  private func xPosition(_ x: Double) -> Double {
    guard let low = xs.first, let high = xs.last, high > low else { return left + plotWidth / 2 }
    let fraction =
      switch scale {
      case .linear: (x - low) / (high - low)
      case .log2: (log2(max(x, 1e-12)) - log2(low)) / (log2(high) - log2(low))
      }
    return left + fraction * plotWidth
  }

  private func yPosition(_ y: Double, top maximum: Double) -> Double {
    guard logarithmicY else { return top + plotHeight - y / maximum * plotHeight }
    let low = log10(yTicks.first ?? 1)
    let fraction = (log10(max(y, pow(10, low))) - low) / max(1e-9, log10(maximum) - low)
    return top + plotHeight - fraction * plotHeight
  }

  /// The chart as an `<svg>` element with `role="img"` and a `<title>`.
  public var svg: String {
    let ticks = yTicks
    let maximum = ticks.last ?? 1
    var out: [String] = []
    out.append(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVG.number(width))\" height=\"\(SVG.number(height))\" viewBox=\"0 0 \(SVG.number(width)) \(SVG.number(height))\" role=\"img\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">"
    )
    out.append("<title>\(SVG.escape(title))</title>")
    out.append("<rect x=\"0\" y=\"0\" width=\"\(SVG.number(width))\" height=\"\(SVG.number(height))\" fill=\"white\"/>")
    out.append("<text x=\"\(SVG.number(left))\" y=\"20\" font-size=\"14\" font-weight=\"bold\">\(SVG.escape(title))</text>")
    // Grid and y axis.
    for tick in ticks {
      let y = yPosition(tick, top: maximum)
      out.append(
        "<line x1=\"\(SVG.number(left))\" y1=\"\(SVG.number(y))\" x2=\"\(SVG.number(left + plotWidth))\" y2=\"\(SVG.number(y))\" stroke=\"#dddddd\"/>"
      )
      out.append(
        "<text x=\"\(SVG.number(left - 6))\" y=\"\(SVG.number(y + 4))\" text-anchor=\"end\">\(SVG.escape(Self.tickText(tick)))</text>")
    }
    for tick in xTicks {
      let x = xPosition(tick)
      out.append(
        "<line x1=\"\(SVG.number(x))\" y1=\"\(SVG.number(top))\" x2=\"\(SVG.number(x))\" y2=\"\(SVG.number(top + plotHeight))\" stroke=\"#eeeeee\"/>"
      )
      out.append(
        "<text x=\"\(SVG.number(x))\" y=\"\(SVG.number(top + plotHeight + 18))\" text-anchor=\"middle\">\(SVG.escape(xTickText?(tick) ?? Self.tickText(tick)))</text>"
      )
    }
    out.append(
      "<rect x=\"\(SVG.number(left))\" y=\"\(SVG.number(top))\" width=\"\(SVG.number(plotWidth))\" height=\"\(SVG.number(plotHeight))\" fill=\"none\" stroke=\"#333333\"/>"
    )
    out.append(
      "<text x=\"\(SVG.number(left + plotWidth / 2))\" y=\"\(SVG.number(top + plotHeight + 40))\" text-anchor=\"middle\" font-size=\"13\">\(SVG.escape(xLabel))</text>"
    )
    let yMiddle = top + plotHeight / 2
    out.append(
      "<text x=\"18\" y=\"\(SVG.number(yMiddle))\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 18 \(SVG.number(yMiddle)))\">\(SVG.escape(yLabel))</text>"
    )
    // Bands under the lines.
    for band in bands {
      let upper = zip(xs, band.upper).compactMap { x, y in y.map { (xPosition(x), yPosition($0, top: maximum)) } }
      let lower = zip(xs, band.lower).compactMap { x, y in y.map { (xPosition(x), yPosition($0, top: maximum)) } }
      guard !upper.isEmpty, !lower.isEmpty else { continue }
      let outline = (upper + lower.reversed()).map { "\(SVG.number($0.0)),\(SVG.number($0.1))" }.joined(separator: " ")
      out.append("<polygon points=\"\(outline)\" fill=\"\(band.colour)\" fill-opacity=\"0.16\" stroke=\"\(band.colour)\" stroke-opacity=\"0.5\" stroke-width=\"0.8\"/>")
    }
    // Lines, broken at gaps, with a marker at each point.
    for line in series {
      var stretches: [[(Double, Double)]] = [[]]
      for (x, y) in zip(xs, line.ys) {
        if let y {
          stretches[stretches.count - 1].append((xPosition(x), yPosition(y, top: maximum)))
        } else if !(stretches.last?.isEmpty ?? true) {
          stretches.append([])
        }
      }
      let dash = line.style.dash.isEmpty ? "" : " stroke-dasharray=\"\(line.style.dash)\""
      for stretch in stretches where stretch.count > 1 {
        let path = stretch.map { "\(SVG.number($0.0)),\(SVG.number($0.1))" }.joined(separator: " ")
        out.append("<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(line.style.colour)\" stroke-width=\"2\"\(dash)/>")
      }
      for point in stretches.joined() { out.append(line.style.markerSVG(x: point.0, y: point.1)) }
    }
    // Crossing labels: a numbered circle above each crossing, moved up while it would cover
    // an earlier label.
    var placed: [(Double, Double)] = []
    for label in labels {
      let x = xPosition(label.x)
      let y = yPosition(label.y, top: maximum)
      var labelY = max(top + 10, y - 16)
      while placed.contains(where: { abs($0.0 - x) < 18 && abs($0.1 - labelY) < 18 }) { labelY -= 18 }
      labelY = max(top + 10, labelY)
      placed.append((x, labelY))
      out.append(
        "<line x1=\"\(SVG.number(x))\" y1=\"\(SVG.number(y))\" x2=\"\(SVG.number(x))\" y2=\"\(SVG.number(labelY + 8))\" stroke=\"#555555\" stroke-width=\"0.8\"/>"
      )
      out.append(
        "<circle cx=\"\(SVG.number(x))\" cy=\"\(SVG.number(labelY))\" r=\"8\" fill=\"white\" stroke=\"#222222\"/>")
      out.append(
        "<text x=\"\(SVG.number(x))\" y=\"\(SVG.number(labelY + 4))\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"bold\">\(label.number)</text>"
      )
    }
    // Legend: series in two columns, then one row per band.
    let columnWidth = plotWidth / Double(legendColumns)
    for (index, line) in series.enumerated() {
      let x = left + Double(index % legendColumns) * columnWidth
      let y = legendTop + Double(index / legendColumns) * legendRowHeight
      let dash = line.style.dash.isEmpty ? "" : " stroke-dasharray=\"\(line.style.dash)\""
      out.append(
        "<line x1=\"\(SVG.number(x))\" y1=\"\(SVG.number(y))\" x2=\"\(SVG.number(x + 40))\" y2=\"\(SVG.number(y))\" stroke=\"\(line.style.colour)\" stroke-width=\"2\"\(dash)/>"
      )
      out.append(line.style.markerSVG(x: x + 20, y: y))
      out.append("<text x=\"\(SVG.number(x + 48))\" y=\"\(SVG.number(y + 4))\">\(SVG.escape(line.name))</text>")
    }
    let bandTop = legendTop + Double((series.count + legendColumns - 1) / legendColumns) * legendRowHeight
    for (index, band) in bands.enumerated() {
      let y = bandTop + Double(index) * legendRowHeight
      out.append(
        "<rect x=\"\(SVG.number(left))\" y=\"\(SVG.number(y - 6))\" width=\"40\" height=\"12\" fill=\"\(band.colour)\" fill-opacity=\"0.16\" stroke=\"\(band.colour)\" stroke-opacity=\"0.5\"/>"
      )
      out.append("<text x=\"\(SVG.number(left + 48))\" y=\"\(SVG.number(y + 4))\">\(SVG.escape(band.label))</text>")
    }
    out.append("</svg>")
    return out.joined(separator: "\n")
  }

  /// `0`, `250`, `1.5`, `12 000`: a tick value with a thin grouping space.
  static func tickText(_ value: Double) -> String {
    let snapped = (value * 1e6).rounded() / 1e6
    guard snapped == snapped.rounded(), abs(snapped) < 1e15 else { return "\(snapped)" }
    let digits = String(Int64(abs(snapped)))
    var grouped = ""
    for (index, digit) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0, digits.count > 4 { grouped += "\u{2009}" }
      grouped.append(digit)
    }
    return (snapped < 0 ? "-" : "") + grouped
  }
}
