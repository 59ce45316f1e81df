import IOPBMachine
import IOPBScenario
import IOPBStrategies

/// One access on which a design on metal and the model differ.
public struct MetalDesignDisagreement: Sendable, Hashable, CustomStringConvertible {
  public var design: MetalDesign
  /// `FILE:LINE: STEP`.
  public var step: String
  public var modelAllowed: Bool
  public var cpu: MetalTranscript.Result?

  public var description: String {
    "\(design): \(step): model \(modelAllowed ? "allow" : "deny"), CPU \(cpu.map(\.description) ?? "no result")"
  }
}

/// The designs on metal over scenarios: every access decided by the CPU under each design's
/// TSS handling, compared with the model's decision for the same step under the design's model
/// strategy.
public struct MetalDesignRun: Sendable {
  public let designs: [MetalDesign]
  public private(set) var programs: [MetalScenarioProgram] = []
  public private(set) var skipped: [MetalScenarioProgram.Unsupported] = []
  /// Per access id: the design, the scenario step and the model's decision.
  var expectations: [(design: MetalDesign, step: String, allowed: Bool)] = []
  public private(set) var program = ""
  /// The id of the first access (ids of one program must not collide).
  public let firstID: Int

  /// Compiles `scenarios` for `designs`; access ids start at `firstID`.
  public init(scenarios: [Scenario], designs: [MetalDesign] = MetalDesign.allCases, firstID: Int = 0) {
    self.designs = designs
    self.firstID = firstID
    var reference: [String: any SwitchStrategy] = [:]
    for design in designs { reference[design.modelStrategy] = StrategyCatalog.strategy(named: design.modelStrategy) }
    guard let linux = StrategyCatalog.strategy(named: "linux-5.5") else { return }
    var lines: [String] = []
    for scenario in scenarios {
      let run = Self.run(scenario, linux)
      do {
        programs.append(try MetalScenarioProgram(scenario, reference: run))
      } catch {
        skipped.append(error)
      }
    }
    for design in designs {
      guard let strategy = reference[design.modelStrategy] else { continue }
      for compiled in programs {
        let run = Self.run(compiled.scenario, strategy)
        lines += compiled.lines(design: design, firstID: firstID + expectations.count)
        for index in compiled.accessSteps {
          let record = run.records[index]
          var allowed = false
          if case .access(let outcome)? = record.outcome { allowed = outcome.allowed }
          expectations.append((design, "\(compiled.scenario.source):\(record.step.location.line): \(record.step.text)", allowed))
        }
      }
    }
    program = lines.joined(separator: "\n") + "\n"
  }

  static func run<Strategy: SwitchStrategy>(_ scenario: Scenario, _ strategy: Strategy) -> ScenarioRun {
    ScenarioRunner.run(scenario, strategy: strategy)
  }

  /// Accesses per design.
  public var accessCount: Int { expectations.count / max(1, designs.count) }

  public func compare(_ transcript: MetalTranscript) -> MetalDesignReport {
    var report = MetalDesignReport(accelerator: transcript.accelerator, scenarios: programs.count, skipped: skipped)
    for design in designs { report.accesses[design] = 0 }
    for (id, expectation) in expectations.enumerated() {
      report.accesses[expectation.design, default: 0] += 1
      let cpu = transcript.results[firstID + id]
      let agrees: Bool
      switch cpu {
      case .allowed: agrees = expectation.allowed
      case .generalProtection: agrees = !expectation.allowed
      case .other, nil: agrees = false
      }
      guard !agrees else { continue }
      report.disagreements.append(
        MetalDesignDisagreement(design: expectation.design, step: expectation.step, modelAllowed: expectation.allowed, cpu: cpu))
    }
    // One `Q` line per scenario and design, in program order.
    var index = 0
    for design in designs {
      for _ in programs {
        if index < transcript.counts.count {
          for (key, value) in transcript.counts[index] { report.counts[design, default: [:]][key, default: 0] += value }
        }
        index += 1
      }
    }
    return report
  }
}

/// The outcome of the designs on metal.
public struct MetalDesignReport: Sendable {
  public var accelerator: String
  public var scenarios: Int
  public var skipped: [MetalScenarioProgram.Unsupported]
  public var accesses: [MetalDesign: Int] = [:]
  public var disagreements: [MetalDesignDisagreement] = []
  /// What each design did on metal, summed over the scenarios (copies, bytes, invlpg, ltr,
  /// fixups).
  public var counts: [MetalDesign: [String: UInt64]] = [:]

  /// The disagreements of designs that must agree.
  public var failures: [MetalDesignDisagreement] { disagreements.filter(\.design.mustAgree) }
  public var agrees: Bool { failures.isEmpty }

  public func disagreements(of design: MetalDesign) -> [MetalDesignDisagreement] {
    disagreements.filter { $0.design == design }
  }

  /// One line per design.
  public var lines: [String] {
    accesses.keys.sorted { $0.rawValue < $1.rawValue }.map { design in
      let counted = counts[design] ?? [:]
      let what = ["copies", "bytes", "invlpg", "ltr", "fixups"].map { "\($0) \(counted[$0] ?? 0)" }.joined(separator: ", ")
      let differ = disagreements(of: design).count
      let verdict = design.mustAgree ? (differ == 0 ? "agrees" : "DISAGREES on \(differ)") : "differs from the model on \(differ) (stale translation)"
      return "\(design): \(accesses[design] ?? 0) accesses, \(verdict); \(what)"
    }
  }
}
