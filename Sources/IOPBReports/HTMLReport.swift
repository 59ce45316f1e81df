import IOPBCost
import IOPBSimulator
import IOPBText

/// `iopb report`'s page: one self-contained HTML file (inline CSS and SVG, no script, no
/// resource from the network) that reads the same in any browser, printed, and in greyscale.
public struct HTMLReport: Sendable {
  public var data: ReportData

  public init(_ data: ReportData) { self.data = data }

  /// The charts as standalone SVG documents (file name, text), for `--out DIR` and tests.
  public var svgFiles: [(name: String, text: String)] {
    [
      ("extent.svg", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + extentSVG.svg),
      ("io-share.svg", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + shareSVG.svg),
    ]
  }

  /// The whole page.
  public var html: String {
    let profile = data.profile
    var body: [String] = []
    body.append("<h1>What keeping the TSS I/O bitmap costs per context switch</h1>")
    body.append(
      "<p class=\"meta\">iopb report · profile <b>\(e(profile.name))</b> · clock \(number(profile[.clockGHz], 2)) GHz (cycles ÷ GHz = ns)"
        + (data.seed.map { " · seed \($0)" } ?? "") + " · \(data.strategies.count) strategies, \(data.workloads.count) workloads</p>")
    body.append(
      """
      <nav><ol><li><a href="#workloads">Added cycles per switch, per workload</a></li>\
      <li><a href="#extent">Cost against the bitmap's extent</a></li>\
      <li><a href="#share">Cost against the share of switches with an I/O-port user</a></li>\
      <li><a href="#kpti">KPTI and declared limitations</a></li>\
      <li><a href="#checker">Checker: mutants caught</a></li>\
      <li><a href="#profile">The cycle profile, every figure with its source</a></li></ol></nav>
      """)
    body += workloadSection
    body += chartSection(
      id: "extent", title: "2. Cost against the bitmap's extent", chart: data.extentChart, svg: extentSVG,
      text: """
        The round-robin workload (\(Workload.roundRobinThreads) SCHED_FIFO threads yielding on one CPU, \
        \(Int((data.extentShare * Double(Workload.roundRobinThreads)).rounded())) of them I/O-port users with bitmaps of their own, all of the same extent) with the extent \
        swept from 8 bytes to 8 KiB. The copy designs grow with the bytes they copy; remap + INVLPG and \
        the per-thread TSS + LTR do not. Shaded: the line's cost over the cited range of INVLPG or LTR.
        """)
    body += chartSection(
      id: "share", title: "3. Cost against the share of switches that involve an I/O-port user", chart: data.shareChart,
      svg: shareSVG,
      text: """
        The same workload with \(data.shareExtent)-byte bitmaps, the share of threads \
        (and so of switches into a thread) holding a bitmap swept from 0 to 1, cycles on a log scale (a \
        share of 0 costs nothing and sits on the bottom edge). At 1/\(Workload.roundRobinThreads) a single \
        user keeps its bitmap in the TSS, which designs that cache it exploit; with many users the \
        bitmaps the copy designs read no longer fit in L2 (the simulator's cache inference) and each copy \
        pays the cold rate.
        """)
    body += kptiSection
    body += checkerSection
    body += profileSection
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>iopb report: TSS I/O bitmap switch designs</title>
      <style>
      \(Self.style)
      </style>
      </head>
      <body>
      \(body.joined(separator: "\n"))
      </body>
      </html>

      """
  }

  static let style = """
    body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 14px; color: #111; margin: 24px auto; max-width: 1180px; padding: 0 16px; }
    h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #999; }
    .meta { color: #444; } nav ol { margin: 6px 0; }
    table { border-collapse: collapse; margin: 8px 0; } th, td { border: 1px solid #bbb; padding: 3px 6px; vertical-align: top; }
    th { background: #eee; text-align: left; } td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
    td.best { font-weight: bold; background: #e8e8e8; } .ns { color: #555; font-size: 12px; }
    .bad { font-weight: bold; text-decoration: underline; } .small { font-size: 12px; color: #333; }
    figure { margin: 8px 0; } svg { max-width: 100%; height: auto; }
    """

  // MARK: Sections

  private var workloadSection: [String] {
    var out = [
      "<h2 id=\"workloads\">1. Added cycles per switch, per strategy and workload</h2>",
      "<p>Mean cycles each design adds to a context switch (its work from the switch to the next one on that CPU, system calls excluded), and below it the same in ns at \(number(data.profile[.clockGHz], 2)) GHz. <b>Bold, shaded</b>: the cheapest clean run of the column among the designs that declare no limitation; * marks a design that declares limitations (section 4): it may be cheaper only because it does less, as when every user reaches every port. <i>limit</i>: the run stopped at a violation a limitation the design declares explains; <span class=\"bad\">VIOL</span>: at one it does not; FAIL: the run failed.</p>",
      "<table><thead><tr><th>strategy</th>",
    ]
    out[out.count - 1] += data.workloads.map { "<th>\(e($0.name))<br><span class=\"ns\">\(e($0.origin))</span></th>" }.joined()
    out[out.count - 1] += "</tr></thead><tbody>"
    for facts in data.strategies {
      var row = "<tr><th>\(e(facts.name))\(facts.limitations.isEmpty ? "" : " *")</th>"
      for workload in data.workloads {
        guard let cell = workload.cells.first(where: { $0.strategy == facts.name }) else {
          row += "<td class=\"n\">–</td>"
          continue
        }
        if let cycles = cell.cycles {
          let best = cycles == workload.least && !cell.declaresLimitations ? " best" : ""
          row += "<td class=\"n\(best)\">\(number(cycles, 1))<br><span class=\"ns\">\(number(cycles / data.profile[.clockGHz], 1)) ns</span></td>"
        } else {
          row += "<td class=\"n\"><span class=\"\(cell.status == "limit" ? "" : "bad")\">\(e(cell.status))</span></td>"
        }
      }
      out.append(row + "</tr>")
    }
    out.append("</tbody></table>")
    return out
  }

  private func chartSection(id: String, title: String, chart: SweepChart, svg: SVGChart, text: String) -> [String] {
    var out = [
      "<h2 id=\"\(id)\">\(e(title))</h2>", "<p>\(e(text))</p>", "<figure>\(svg.svg)</figure>",
    ]
    let axis = chart.sweep.axes[0]
    if chart.crossings.isEmpty {
      out.append("<p>No two lines cross over this range.</p>")
    } else {
      out.append(
        "<p class=\"small\">Where two lines cross (the numbered circles), interpolated linearly between the grid points around the crossing:</p><table><thead><tr><th>#</th><th>lines</th><th>\(e(axis.label))</th><th>cycles per switch</th><th>ns</th></tr></thead><tbody>"
      )
      for (index, crossing) in chart.crossings.enumerated() {
        out.append(
          "<tr><td class=\"n\">\(index + 1)</td><td>\(e(crossing.first)) × \(e(crossing.second))</td><td class=\"n\">\(number(crossing.x, axis.parameter == .ioShare ? 3 : 0))</td><td class=\"n\">\(number(crossing.y, 1))</td><td class=\"n\">\(number(crossing.y / data.profile[.clockGHz], 1))</td></tr>"
        )
      }
      out.append("</tbody></table>")
    }
    let changes = chart.sweep.crossovers
    if !changes.isEmpty {
      out.append(
        "<p class=\"small\">Cheapest of the charted designs: "
          + changes.map { e(SweepResult.describe($0, axis: axis)) }.joined(separator: "; ") + ".</p>")
    }
    for band in SweepChart.bandFigures.compactMap({ CitedRange.all[$0] }) {
      out.append(
        "<p class=\"small\">Band for \(e(band.key.rawValue)) \(number(band.low, 0))–\(number(band.high, 0)) cycles (profile: \(number(data.profile[band.key], 0))). Source: \(e(band.source)).</p>"
      )
    }
    return out
  }

  private var kptiSection: [String] {
    var out = [
      "<h2 id=\"kpti\">4. KPTI validity and declared limitations</h2>",
      "<p>KPTI needs the TSS at a fixed address in the user-visible <code>cpu_entry_area</code> (Brian Gerst, 2019-11-07); a design that switches TSS or remaps the bitmap must say whether it can live with that. Limitations: what the design cannot reproduce of Linux ≥ 5.5, as it declares them.</p>",
      "<table><thead><tr><th>strategy</th><th>valid under KPTI</th><th>declared limitations</th></tr></thead><tbody>",
    ]
    for facts in data.strategies {
      let limitations = facts.limitations.isEmpty ? "none" : "<ul>" + facts.limitations.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
      out.append(
        "<tr><th>\(e(facts.name))</th><td>\(facts.kptiCompatible ? "yes" : "<span class=\"bad\">no</span>")</td><td>\(limitations)</td></tr>")
    }
    out.append("</tbody></table>")
    return out
  }

  private var checkerSection: [String] {
    var out = ["<h2 id=\"checker\">5. Checker: mutants caught</h2>"]
    guard let checker = data.checker else {
      out.append(
        "<p>Not included: write the result with <code>iopb check --mutants --format json &gt; mutants.json</code> (minutes) and pass <code>--mutants mutants.json</code> to <code>iopb report</code>.</p>")
      return out
    }
    let caught = checker.rows.filter(\.metExpectation).count
    out.append(
      "<p>From <code>\(e(checker.file))</code>: \(caught) of \(checker.rows.count) mutants met their expectation\(checker.passed ? "" : " — <span class=\"bad\">the run did not pass</span>"). Bounds: \(e(checker.bounds)).</p>"
    )
    out.append("<table><thead><tr><th>mutant</th><th>design</th><th>expected</th><th>outcome</th><th>what the checker found</th><th>source</th></tr></thead><tbody>")
    for row in checker.rows {
      let outcome = row.metExpectation ? e(row.outcome) : "<span class=\"bad\">\(e(row.outcome))</span>"
      out.append(
        "<tr><th>\(e(row.mutant))</th><td>\(e(row.design))</td><td>\(e(row.expected))</td><td>\(outcome)</td><td class=\"small\">\(e(row.conclusion))</td><td class=\"small\">\(e(row.source))</td></tr>"
      )
    }
    out.append("</tbody></table>")
    return out
  }

  private var profileSection: [String] {
    let profile = data.profile
    var out = [
      "<h2 id=\"profile\">6. The cycle profile <code>\(e(profile.name))</code></h2>",
      "<p>Tags: [A] measured and published with the CPU named; [B] measured, CPU or method partly stated; [C] an estimate (costs.md).</p>",
      "<table><thead><tr><th>figure</th><th>value</th><th>source</th></tr></thead><tbody>",
      "<tr><th>copy.residency</th><td>\(profile.residency?.rawValue ?? "auto")</td><td class=\"small\">\(e(profile.residencySource))</td></tr>",
    ]
    for key in CostKey.allCases {
      guard let figure = profile.figures[key] else { continue }
      out.append(
        "<tr><th>\(e(key.rawValue))</th><td class=\"n\">\(e(SweepValue.number(figure.value).description))</td><td class=\"small\">\(e(figure.source))</td></tr>")
    }
    out.append("</tbody></table>")
    return out
  }

  // MARK: Charts

  private var extentSVG: SVGChart {
    var chart = svgChart(
      data.extentChart, title: "Added cycles per switch against the bitmap's extent",
      xLabel: "bitmap extent (bytes, log scale; 8 KiB = every port up to 0xFFFF)", scale: .log2)
    chart.xTickText = { value in value >= 1024 ? "\(Int(value) / 1024) KiB" : "\(Int(value))" }
    return chart
  }

  private var shareSVG: SVGChart {
    var chart = svgChart(
      data.shareChart, title: "Added cycles per switch against the share of switches into an I/O-port user",
      xLabel: "share of switches whose incoming thread holds an I/O bitmap (0 to 1)", scale: .linear)
    chart.logarithmicY = true
    chart.yLabel = "added cycles per context switch (mean, log scale)"
    return chart
  }

  private func svgChart(_ chart: SweepChart, title: String, xLabel: String, scale: SVGChart.Scale) -> SVGChart {
    let sweep = chart.sweep
    let xs = sweep.axes[0].values.compactMap(\.number)
    let series = sweep.strategies.enumerated().map { index, strategy in
      SVGChart.Series(name: strategy, ys: sweep.points.map { $0.cycles(of: strategy) }, style: .line(index))
    }
    var svg = SVGChart(
      title: title, xLabel: xLabel, yLabel: "added cycles per context switch (mean)", scale: scale, xs: xs,
      series: series)
    svg.bands = chart.bands.map { band in
      let index = sweep.strategies.firstIndex(of: band.strategy) ?? 0
      return SVGChart.Band(
        label: "\(band.strategy): \(band.range.key.rawValue) \(number(band.range.low, 0))–\(number(band.range.high, 0)) cycles (\(band.range.source.prefix { $0 != ":" }))",
        lower: band.lower, upper: band.upper, colour: ChartStyle.line(index).colour)
    }
    svg.labels = chart.crossings.enumerated().map { SVGChart.Label(number: $0 + 1, x: $1.x, y: $1.y) }
    return svg
  }

  private func e(_ text: String) -> String { SVG.escape(text) }

  private func number(_ value: Double, _ digits: Int) -> String { FixedPoint.format(value, digits: digits) }
}
