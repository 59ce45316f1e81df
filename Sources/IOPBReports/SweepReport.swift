import Foundation
import IOPBSimulator
import IOPBText

/// A sweep as text (one table per workload and second-axis value: the first axis down, the
/// strategies across, then the crossovers), CSV (one line per point and strategy) or JSON (the
/// ``SweepResult`` through `Codable`, keys sorted).
extension SweepResult {
  public func rendered(as format: ReportFormat) -> String {
    switch format {
    case .table: tableText
    case .csv: csvText
    case .json: jsonText
    }
  }

  /// A cell's text: cycles to 0.1, `limit` for a violation a declared limitation explains,
  /// `VIOL` for one it does not, `FAIL` for a failed run.
  static func cellText(_ cell: SweepCell) -> String {
    if let cycles = cell.cycles { return FixedPoint.format(cycles, digits: 1) }
    if cell.failure != nil { return "FAIL" }
    return cell.explained ? "limit" : "VIOL"
  }

  var tableText: String {
    var lines = [
      "iopb sweep: profile \(profile), mean cycles added per context switch"
        + (seed.map { ", seed \($0)" } ?? "") + "; crossovers: \(interpolation)"
    ]
    for group in groups {
      let heading = group.workload + (group.fixed.map { ", \(axes[1].parameter.name)=\($0)" } ?? "")
      lines.append("")
      lines.append(heading + ":")
      var table = TextTable(
        columns: [.right] + Array(repeating: .right, count: strategies.count) + [.left],
        rows: [[axes[0].parameter.name] + group.points[0].cells.map { $0.strategy + ($0.declaresLimitations ? "*" : "") } + ["cheapest"]])
      for point in group.points {
        table.rows.append(
          [point.values[0].description] + point.cells.map(Self.cellText)
            + [point.cheapest.isEmpty ? "-" : point.cheapest.joined(separator: " = ")])
      }
      lines += table.lines
      let changes = crossovers.filter { $0.workload == group.workload && $0.fixed == group.fixed }
      if changes.isEmpty {
        lines.append("no change of cheapest design over \(axes[0].parameter.name) \(axes[0].values.first?.description ?? "")…\(axes[0].values.last?.description ?? "")")
      }
      for change in changes { lines.append(Self.describe(change, axis: axes[0])) }
    }
    lines.append(
      "cells: mean cycles per switch; limit: the run stopped at a violation a declared limitation explains; VIOL: at one it does not; FAIL: the run failed; *: the design declares limitations (iopb strategies), so it is never the cheapest")
    return lines.joined(separator: "\n")
  }

  /// `cheapest changes from linux-5.5 to remap-invlpg at invlpg ≈ 143.2 (between 120 and 160)`.
  static func describe(_ change: Crossover, axis: SweepAxis) -> String {
    // Three decimals where the grid is finer than 1 (shares, cycles per byte), one elsewhere.
    let fine = (change.upper.number ?? 0) - (change.lower.number ?? 0) < 1
    let place =
      change.at.map { "at \(axis.parameter.name) ≈ \(FixedPoint.format($0, digits: fine ? 3 : 1)) (between \(change.lower) and \(change.upper))" }
      ?? "between \(axis.parameter.name) \(change.lower) and \(change.upper)"
    return "cheapest changes from \(change.from) to \(change.to) \(place)"
  }

  /// The points of one workload at one second-axis value, in the first axis's order.
  struct Group {
    var workload: String
    var fixed: SweepValue?
    var points: [SweepPoint]
  }

  var groups: [Group] {
    var result: [Group] = []
    for point in points {
      let fixed = point.values.count > 1 ? point.values[1] : nil
      if let last = result.last, last.workload == point.workload, last.fixed == fixed {
        result[result.count - 1].points.append(point)
      } else {
        result.append(Group(workload: point.workload, fixed: fixed, points: [point]))
      }
    }
    return result
  }

  var csvText: String {
    var header = ["workload"] + axes.map(\.parameter.name)
    header += ["strategy", "cycles_per_switch", "ns_per_switch", "violations", "explained", "failed", "cheapest"]
    var lines = [header]
    for point in points {
      for cell in point.cells {
        lines.append(
          [point.workload] + point.values.map(\.description) + [
            cell.strategy, cell.cycles.map { FixedPoint.format($0, digits: 3) } ?? "",
            cell.cycles.map { FixedPoint.format($0 / clockGHz, digits: 3) } ?? "", String(cell.violations),
            cell.explained ? "yes" : "no", cell.failure == nil ? "no" : "yes",
            point.cheapest.contains(cell.strategy) ? "yes" : "no",
          ])
      }
    }
    return lines.map { $0.map(CSVReport.escape).joined(separator: ",") }.joined(separator: "\n")
  }

  var jsonText: String { JSONReport.document(self) }
}
