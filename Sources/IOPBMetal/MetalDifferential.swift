import IOPBCPU

/// One vector on which the CPU and `IOPBCPU` differ.
public struct MetalDisagreement: Sendable, Hashable, CustomStringConvertible {
  public var index: Int
  public var vector: MetalVector
  public var model: IOPermissionDecision
  /// What the CPU did; nil when the kernel reported nothing for the vector.
  public var cpu: MetalTranscript.Result?

  public var description: String {
    "vector \(index) (\(vector)): model \(model), CPU \(cpu.map(\.description) ?? "no result")"
  }
}

/// The differential of the CPU's I/O permission check against `IOPBCPU`'s
/// (`IOPermissionCheck.decide`), vector by vector.
public struct MetalDifferential: Sendable, Hashable {
  public var vectors: [MetalVector]
  /// How many of ``vectors`` are the edges (they come first).
  public var edgeCount: Int

  /// The edges and `random` vectors drawn from `seed`.
  public init(random: Int, seed: UInt64) {
    vectors = MetalVectorSet.edges + MetalVectorSet.random(count: random, seed: seed)
    edgeCount = MetalVectorSet.edges.count
  }

  /// The program: one `V` line per vector, its index as id.
  public var program: String {
    vectors.enumerated().map { $0.element.line(id: $0.offset) }.joined(separator: "\n") + "\n"
  }

  /// The report: every vector without a result or whose result differs from the model's.
  public func compare(_ transcript: MetalTranscript) -> MetalDifferentialReport {
    var report = MetalDifferentialReport(vectors: vectors.count, edges: edgeCount, accelerator: transcript.accelerator)
    for (index, vector) in vectors.enumerated() {
      let model = vector.modelDecision
      let cpu = transcript.results[index]
      if let cpu { report.allowed += cpu.isAllowed ? 1 : 0 }
      let agrees: Bool
      switch cpu {
      case .allowed: agrees = model.isAllowed
      case .generalProtection(let error): agrees = !model.isAllowed && error == 0
      case .other, nil: agrees = false
      }
      if !agrees { report.disagreements.append(MetalDisagreement(index: index, vector: vector, model: model, cpu: cpu)) }
    }
    return report
  }
}

/// The outcome of a differential run.
public struct MetalDifferentialReport: Sendable, Hashable {
  public var vectors: Int
  public var edges: Int
  public var accelerator: String
  /// Vectors the CPU allowed.
  public var allowed = 0
  public var disagreements: [MetalDisagreement] = []

  public var agrees: Bool { disagreements.isEmpty }

  public var summary: String {
    "metal differential: \(vectors) vectors (\(edges) edges, \(vectors - edges) random), "
      + "\(allowed) allowed, \(vectors - allowed) denied by the CPU (\(accelerator)), "
      + "\(disagreements.count) disagreements with IOPBCPU"
  }
}
