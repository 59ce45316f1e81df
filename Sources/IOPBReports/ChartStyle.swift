/// How a chart tells its lines apart without relying on colour alone: an Okabe–Ito colour (safe
/// for the common colour-vision deficiencies; Okabe & Ito, "Color Universal Design", 2008), a
/// dash pattern and a marker shape, all three changing with the line's index, so that the
/// lines stay distinct in greyscale print too.
public struct ChartStyle: Sendable, Hashable {
  /// `#RRGGBB`.
  public var colour: String
  /// An SVG `stroke-dasharray`, empty for a solid line.
  public var dash: String
  public var marker: Marker

  /// A marker shape drawn at each data point.
  public enum Marker: String, Sendable, Hashable, CaseIterable {
    case circle, square, triangle, diamond, cross, triangleDown, plus
  }

  /// Okabe–Ito's palette without its yellow (too pale on white) and in an order whose
  /// neighbours also differ in lightness: black, vermillion, blue, orange, bluish green,
  /// reddish purple, sky blue.
  public static let palette = ["#000000", "#D55E00", "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9"]

  /// Solid, long dashes, dots, dash-dot, short dashes, long dash-dot-dot, wide dots.
  public static let dashes = ["", "9 4", "2 3", "10 3 2 3", "5 3", "14 4 2 4 2 4", "1 6"]

  /// The style of line `index` (0-based): colours, dashes and markers all cycle every 7, the
  /// markers shifted by one more each cycle; so no two of the first 7 lines share a colour, a
  /// dash or a marker, and no two of the first 49 share all three.
  public static func line(_ index: Int) -> ChartStyle {
    let markers = Marker.allCases
    return ChartStyle(
      colour: palette[index % palette.count], dash: dashes[index % dashes.count],
      marker: markers[(index + index / markers.count) % markers.count])
  }

  /// The marker as SVG at (`x`, `y`), `size` pixels across.
  func markerSVG(x: Double, y: Double, size: Double = 7) -> String {
    let r = size / 2
    let fill = "fill=\"\(colour)\" stroke=\"\(colour)\""
    func points(_ list: [(Double, Double)]) -> String {
      list.map { "\(SVG.number(x + $0.0)),\(SVG.number(y + $0.1))" }.joined(separator: " ")
    }
    switch marker {
    case .circle:
      return "<circle cx=\"\(SVG.number(x))\" cy=\"\(SVG.number(y))\" r=\"\(SVG.number(r))\" \(fill)/>"
    case .square:
      return "<rect x=\"\(SVG.number(x - r))\" y=\"\(SVG.number(y - r))\" width=\"\(SVG.number(size))\" height=\"\(SVG.number(size))\" \(fill)/>"
    case .triangle:
      return "<polygon points=\"\(points([(0, -r * 1.2), (r * 1.1, r * 0.8), (-r * 1.1, r * 0.8)]))\" \(fill)/>"
    case .triangleDown:
      return "<polygon points=\"\(points([(0, r * 1.2), (r * 1.1, -r * 0.8), (-r * 1.1, -r * 0.8)]))\" fill=\"white\" stroke=\"\(colour)\" stroke-width=\"1.5\"/>"
    case .diamond:
      return "<polygon points=\"\(points([(0, -r * 1.3), (r * 1.1, 0), (0, r * 1.3), (-r * 1.1, 0)]))\" fill=\"white\" stroke=\"\(colour)\" stroke-width=\"1.5\"/>"
    case .cross:
      return "<path d=\"M\(SVG.number(x - r)),\(SVG.number(y - r))L\(SVG.number(x + r)),\(SVG.number(y + r))M\(SVG.number(x - r)),\(SVG.number(y + r))L\(SVG.number(x + r)),\(SVG.number(y - r))\" stroke=\"\(colour)\" stroke-width=\"2\" fill=\"none\"/>"
    case .plus:
      return "<path d=\"M\(SVG.number(x - r * 1.2)),\(SVG.number(y))L\(SVG.number(x + r * 1.2)),\(SVG.number(y))M\(SVG.number(x)),\(SVG.number(y - r * 1.2))L\(SVG.number(x)),\(SVG.number(y + r * 1.2))\" stroke=\"\(colour)\" stroke-width=\"2\" fill=\"none\"/>"
    }
  }
}

/// Small helpers for writing SVG and HTML text by hand.
enum SVG {
  /// A coordinate with at most one decimal, `-0` as `0`: short and byte-stable.
  static func number(_ value: Double) -> String {
    let tenths = (value * 10).rounded()
    if tenths == 0 { return "0" }
    return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(tenths / 10)
  }

  /// `text` with `&`, `<`, `>` and `"` escaped, for element text and attribute values.
  static func escape(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      default: result.append(character)
      }
    }
    return result
  }
}
