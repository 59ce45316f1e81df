import Foundation

/// Combines the JSON results (`iopb check --shard i/n --format json`) of independent shards.
///
/// The verdict is the whole run's: a violation if any shard found one (the shortest
/// counterexample among them is kept), else stopped if any shard was stopped by a bound, else
/// no violation. States and transitions add up: shards may visit some states more than once,
/// so the sum bounds the distinct states from above. Every shard must have run the same
/// strategy with the same bounds, and each shard index must appear once.
public enum CheckMerge {
  /// A result file that cannot be merged, with the file named.
  public struct Problem: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String
    public var description: String { "\(file): error: \(message)" }
  }

  /// The merged result as a JSON object (schema `iopb-check-merge/1`, docs/checker.md).
  public static func merge(_ files: [(name: String, contents: Data)]) throws(Problem) -> [String: Any] {
    var results: [(name: String, object: [String: Any])] = []
    for file in files {
      guard let object = (try? JSONSerialization.jsonObject(with: file.contents)) as? [String: Any] else {
        throw Problem(file: file.name, message: "not a JSON object")
      }
      guard object["schema"] as? String == "iopb-check/1" else {
        throw Problem(file: file.name, message: "not an `iopb check --format json` result (schema iopb-check/1)")
      }
      for key in ["strategy", "result", "states", "transitions", "bounds"] where object[key] == nil {
        throw Problem(file: file.name, message: "missing key '\(key)'")
      }
      results.append((file.name, object))
    }
    guard let first = results.first else { throw Problem(file: "(none)", message: "no result files given") }
    let reference = identity(of: first.object)
    var seenShards = Set<Int>()
    var shardCount: Int?
    for result in results {
      guard identity(of: result.object) == reference else {
        throw Problem(file: result.name, message: "ran another strategy or other bounds than \(first.name)")
      }
      let bounds = result.object["bounds"] as? [String: Any]
      if let shard = bounds?["shard"] as? [String: Any], let index = shard["index"] as? Int, let count = shard["count"] as? Int {
        guard seenShards.insert(index).inserted else { throw Problem(file: result.name, message: "shard \(index) appears twice") }
        shardCount = count
      }
    }
    let verdicts = results.map { $0.object["result"] as? String ?? "" }
    let violations = results.filter { $0.object["result"] as? String == "violation" }
    let shortest = violations.min { length(of: $0.object) < length(of: $1.object) }
    var merged: [String: Any] = [
      "schema": "iopb-check-merge/1",
      "strategy": first.object["strategy"] ?? "",
      "bounds": {
        var bounds = first.object["bounds"] as? [String: Any] ?? [:]
        bounds["shard"] = nil
        return bounds
      }(),
      "result": verdicts.contains("violation") ? "violation" : verdicts.contains("stopped") ? "stopped" : "no-violation",
      "states": results.reduce(0) { $0 + ($1.object["states"] as? Int ?? 0) },
      "transitions": results.reduce(0) { $0 + ($1.object["transitions"] as? Int ?? 0) },
      "shards": results.map { result in
        [
          "file": result.name, "result": result.object["result"] ?? "", "states": result.object["states"] ?? 0,
          "transitions": result.object["transitions"] ?? 0, "shard": (result.object["bounds"] as? [String: Any])?["shard"] ?? NSNull(),
        ] as [String: Any]
      },
    ]
    if let shardCount {
      let missing = (0..<shardCount).filter { !seenShards.contains($0) }
      merged["complete"] = missing.isEmpty
      if !missing.isEmpty { merged["missing_shards"] = missing }
    }
    if let shortest { merged["counterexample"] = shortest.object["counterexample"]; merged["counterexample_file"] = shortest.name }
    return merged
  }

  /// What must agree between shards: strategy and bounds without the shard.
  private static func identity(of object: [String: Any]) -> String {
    var bounds = object["bounds"] as? [String: Any] ?? [:]
    bounds["shard"] = nil
    bounds["summary"] = nil
    let strategy = object["strategy"] as? String ?? ""
    return strategy + CheckResult.render(bounds)
  }

  private static func length(of object: [String: Any]) -> Int {
    (object["counterexample"] as? [String: Any])?["length"] as? Int ?? Int.max
  }

  /// The merged result in words, one line per shard then the verdict.
  public static func text(_ merged: [String: Any]) -> String {
    var lines = ["iopb check merge: \(merged["strategy"] ?? "")"]
    for shard in merged["shards"] as? [[String: Any]] ?? [] {
      lines.append("  \(shard["file"] ?? ""): \(shard["result"] ?? ""), \(shard["states"] ?? 0) states, \(shard["transitions"] ?? 0) transitions")
    }
    lines.append("state visits \(merged["states"] ?? 0) (an upper bound on distinct states), transitions \(merged["transitions"] ?? 0)")
    if let missing = merged["missing_shards"] as? [Int] { lines.append("INCOMPLETE: shards \(missing.map(String.init).joined(separator: ", ")) missing") }
    lines.append("result: \(merged["result"] ?? "")")
    if let counterexample = merged["counterexample"] as? [String: Any], let scenario = counterexample["scenario"] as? String {
      lines.append("shortest counterexample (from \(merged["counterexample_file"] ?? "")):")
      lines.append(scenario)
    }
    return lines.joined(separator: "\n")
  }
}
