import IOPBCost
import IOPBSimulator
import IOPBStrategies
import IOPBText

/// A comparison as one JSON object, written by hand so that keys keep a fixed order and
/// numbers a fixed precision: the same inputs and seed give byte-identical text.
struct JSONReport {
  let comparison: Comparison

  init(_ comparison: Comparison) { self.comparison = comparison }

  var text: String {
    let profile = comparison.profile
    var figures: [String] = []
    for key in CostKey.allCases {
      guard let figure = profile.figures[key] else { continue }
      figures.append(
        object([("key", string(key.rawValue)), ("value", "\(figure.value)"), ("source", string(figure.source))]))
    }
    let profileObject = object(
      [
        ("name", string(profile.name)),
        ("copy_residency", object([("value", string(profile.residency?.rawValue ?? "auto")), ("source", string(profile.residencySource))])),
        ("figures", array(figures, indent: "    ")),
      ], indent: "  ")
    let results = comparison.rows.map { row in
      object([
        ("workload", string(row.workload)), ("strategy", string(row.strategy)),
        ("switches", String(row.switches)),
        (
          "cycles_per_switch",
          object([
            ("mean", FixedPoint.format(row.statistics.mean, digits: 1)),
            ("p50", FixedPoint.format(row.statistics.p50, digits: 1)),
            ("p99", FixedPoint.format(row.statistics.p99, digits: 1)),
          ])
        ),
        ("bytes_copied_per_switch", FixedPoint.format(row.bytesCopiedPerSwitch, digits: 1)),
        ("bytes_filled_per_switch", FixedPoint.format(row.bytesFilledPerSwitch, digits: 1)),
        ("invlpg_per_switch", FixedPoint.format(row.invalidationsPerSwitch, digits: 3)),
        ("ltr_per_switch", FixedPoint.format(row.taskRegisterLoadsPerSwitch, digits: 3)),
        ("syscall_cycles", FixedPoint.format(row.syscallCycles, digits: 0)),
        ("ratio_to_cheapest", row.ratioToCheapest.map { FixedPoint.format($0, digits: 3) } ?? "null"),
        ("valid_under_kpti", row.validUnderKPTI.map { $0 ? "true" : "false" } ?? "null"),
        ("violations", "[" + row.violations.map(string).joined(separator: ", ") + "]"),
        ("limitations", "[" + row.limitations.map(string).joined(separator: ", ") + "]"),
        ("failure", row.failure.map(string) ?? "null"),
        ("switch_counts", counts(row.switchCounts)),
        (
          "copy_bytes_by_residency",
          object(CopyResidency.allCases.map { ($0.rawValue, String(row.copyBytesByResidency[$0, default: 0])) })
        ),
        ("syscall_counts", counts(row.syscallCounts)),
        (
          "activity",
          object([
            ("forks", String(row.activity.forks)), ("threads", String(row.activity.threads)),
            ("exits", String(row.activity.exits)), ("migrations", String(row.activity.migrations)),
            ("preemptions", String(row.activity.preemptions)),
            ("permission_calls", String(row.activity.permissionCalls)),
          ])
        ),
        ("partial", row.partial ? "true" : "false"),
        ("events", String(row.events)),
      ])
    }
    return object(
      [
        ("profile", profileObject), ("seed", comparison.seed.map { String($0) } ?? "null"),
        ("results", array(results, indent: "  ")),
      ], indent: "")
  }

  /// Every counted operation, in `OperationCounts.fields` order.
  private func counts(_ counts: OperationCounts) -> String {
    object(OperationCounts.fields.map { ($0.name, String(counts[keyPath: $0.path])) })
  }

  /// `{"k": v, ...}` on one line, or one member per line when `indent` is given.
  private func object(_ members: [(String, String)], indent: String? = nil) -> String {
    let parts = members.map { "\(string($0.0)): \($0.1)" }
    guard let indent else { return "{" + parts.joined(separator: ", ") + "}" }
    return "{\n" + parts.map { indent + "  " + $0 }.joined(separator: ",\n") + "\n" + indent + "}"
  }

  private func array(_ elements: [String], indent: String) -> String {
    guard !elements.isEmpty else { return "[]" }
    return "[\n" + elements.map { indent + "  " + $0 }.joined(separator: ",\n") + "\n" + indent + "]"
  }

  /// A JSON string literal (RFC 8259 §7).
  private func string(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
