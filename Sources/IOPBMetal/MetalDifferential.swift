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
      if vector.qemuDeniesShortTSS { report.shortTSSVectors += 1 }
      if let cpu { report.allowed += cpu.isAllowed ? 1 : 0 }
      let agrees: Bool
      switch cpu {
      case .allowed: agrees = model.isAllowed
      case .generalProtection(let error): agrees = !model.isAllowed && error == 0
      case .other, nil: agrees = false
      }
      guard !agrees else { continue }
      let disagreement = MetalDisagreement(index: index, vector: vector, model: model, cpu: cpu)
      if transcript.accelerator == "tcg", vector.qemuDeniesShortTSS, model.isAllowed, cpu?.isAllowed == false {
        report.qemuDifferences.append(disagreement)
      } else {
        report.disagreements.append(disagreement)
      }
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
  /// Vectors where QEMU's TCG check departs from the SDM reading the model keeps, in the one
  /// named way (``MetalVector/qemuDeniesShortTSS``): not disagreements.
  public var qemuDifferences: [MetalDisagreement] = []
  /// Vectors with a limit below 0x67.
  public var shortTSSVectors = 0

  public var agrees: Bool { disagreements.isEmpty }

  public var summary: String {
    "metal differential: \(vectors) vectors (\(edges) edges, \(vectors - edges) random), "
      + "\(allowed) allowed, \(vectors - allowed) denied by the CPU (\(accelerator)), "
      + "\(disagreements.count) disagreements with IOPBCPU"
      + (qemuDifferences.isEmpty ? "" : "; QEMU TCG denies \(qemuDifferences.count) of \(shortTSSVectors) vectors with a limit below 0x67 that the SDM reading allows (check_io: tr.limit < 103)")
  }
}
