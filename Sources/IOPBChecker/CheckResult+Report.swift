import Foundation
import IOPBMachine
import IOPBScenario

extension CheckConfiguration {
  /// The bounds in one line, as the report and the JSON's `bounds.summary` give them.
  public var summary: String {
    let ranges = (ranges ?? StepMenu.defaultRanges(portCount: ports)).map(Self.rangeText).joined(separator: ",")
    let ops =
      operations == Set(StepMenu.Operation.allCases)
      ? "all" : operations.sorted().map(\.rawValue).joined(separator: ",")
    var parts = [
      "\(cpus) CPU\(cpus == 1 ? "" : "s")", "\(processes) process\(processes == 1 ? "" : "es")",
      "\(threads) thread\(threads == 1 ? "" : "s") at most", "\(ports) ports", "ranges \(ranges)", "ops \(ops)",
    ]
    if let depth { parts.append("depth \(depth)") }
    if !checksInvariants { parts.append("invariants off") }
    if !deviations.isEmpty { parts.append("deviations " + deviations.map(\.rawValue).sorted().joined(separator: ",")) }
    parts.append("symmetry " + symmetryName)
    parts.append("\(storage.rawValue) storage")
    if let shard { parts.append("shard \(shard)") }
    return parts.joined(separator: ", ")
  }

  /// `off`, `threads`, `cpus` or `threads+cpus`, as the report and the JSON say it.
  var symmetryName: String {
    let parts = [symmetry.contains(.threads) ? "threads" : nil, symmetry.contains(.cpus) ? "cpus" : nil].compactMap { $0 }
    return parts.isEmpty ? "off" : parts.joined(separator: "+")
  }

  static func rangeText(_ range: ClosedRange<Int>) -> String {
    range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
  }
}

extension CheckResult {
  /// The verdict in words.
  public var conclusion: String {
    switch verdict {
    case .noViolation where mode != .exhaustive:
      "no violation found in \(transitions) random steps (\(states) distinct states; evidence, not a proof)"
    case .noViolation:
      closed ? "no violation within these bounds (every reachable state explored)"
        : "no violation within these bounds (explored to depth \(depth))"
    case .violation:
      "VIOLATION after \(counterexample?.steps.count ?? 0) steps: " + (counterexample.map { $0.finding.description(naming: ScenarioWriter.name) } ?? "")
    case .stopped(let reason):
      "stopped by --\(reason.rawValue) before the bounds were exhausted: no violation among the states explored (partial result)"
    }
  }

  /// The report for a terminal; without `measurements`, byte-identical between identical runs.
  public func text(measurements: Bool = true) -> String {
    var lines = [
      "iopb check: \(strategy); \(configuration.summary)",
      "states \(states), transitions \(transitions), depth \(depth)\(closed ? " (closed)" : "")",
    ]
    if case .random(let seed) = mode {
      lines[0] += "; random walks, seed \(seed)"
    } else if !configuration.symmetry.isEmpty {
      lines.append("symmetry: \(symmetryCandidates) renamings compared")
    }
    if configuration.storage == .fingerprint || mode != .exhaustive {
      lines.append("fingerprint storage: probability of a missed state ≤ \(Self.scientific(omissionProbability))")
    }
    if limitationHits > 0 {
      lines.append("\(limitationHits) steps hit a limitation the design declares (not counted as violations)")
    }
    if measurements {
      lines.append(
        "time \(String(format: "%.2f", seconds)) s, \(Int(statesPerSecond.rounded())) states/s, peak memory \(peakMemoryBytes / 1_048_576) MiB, store \(storeBytes / 1024) KiB"
      )
    }
    lines.append(conclusion)
    if let counterexample {
      lines.append("")
      lines.append(counterexample.scenario)
    }
    return lines.joined(separator: "\n")
  }

  /// The JSON object (schema in docs/checker.md), keys sorted.
  public func jsonObject(measurements: Bool = true) -> [String: Any] {
    let ranges = (configuration.ranges ?? StepMenu.defaultRanges(portCount: configuration.ports)).map(CheckConfiguration.rangeText)
    var bounds: [String: Any] = [
      "cpus": configuration.cpus, "processes": configuration.processes, "threads": configuration.threads,
      "ports": configuration.ports, "ranges": ranges, "ops": configuration.operations.sorted().map(\.rawValue),
      "symmetry": configuration.symmetryName,
      "storage": configuration.storage.rawValue, "deviations": configuration.deviations.map(\.rawValue).sorted(),
      "summary": configuration.summary, "invariants": configuration.checksInvariants,
    ]
    if let depth = configuration.depth { bounds["depth"] = depth }
    if let shard = configuration.shard { bounds["shard"] = ["index": shard.index, "count": shard.count] }
    var object: [String: Any] = [
      "schema": "iopb-check/1", "strategy": strategy, "bounds": bounds, "result": verdict.name,
      "states": states, "transitions": transitions, "depth": depth, "closed": closed,
      "symmetry_candidates": symmetryCandidates, "limitation_hits": limitationHits,
      "omission_probability": omissionProbability, "conclusion": conclusion,
    ]
    if case .stopped(let reason) = verdict { object["stopped_by"] = reason.rawValue }
    switch mode {
    case .exhaustive: object["mode"] = "exhaustive"
    case .random(let seed):
      object["mode"] = "random"
      object["seed"] = seed
    }
    if let counterexample {
      object["counterexample"] = [
        "length": counterexample.steps.count, "kind": counterexample.finding.kind,
        "finding": counterexample.finding.description(naming: ScenarioWriter.name),
        "steps": counterexample.steps.map { $0.description(naming: ScenarioWriter.name) },
        "scenario": counterexample.scenario,
      ]
    }
    if measurements {
      object["seconds"] = seconds
      object["states_per_second"] = statesPerSecond
      object["peak_memory_bytes"] = peakMemoryBytes
      object["store_bytes"] = storeBytes
    }
    return object
  }

  /// ``jsonObject(measurements:)`` as pretty-printed text with sorted keys.
  public func json(measurements: Bool = true) -> String {
    Self.render(jsonObject(measurements: measurements))
  }

  public static func render(_ object: Any) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) else {
      return "{}"
    }
    return String(decoding: data, as: UTF8.self)
  }

  static func scientific(_ value: Double) -> String { value == 0 ? "0" : String(format: "%.1e", value) }
}
