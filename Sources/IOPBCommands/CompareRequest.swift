import IOPBReports
import IOPBCost
import IOPBSimulator
import IOPBStrategies

/// The logic of `iopb compare`: which workloads and strategies, which profile, which format.
public struct CompareRequest: Sendable, Hashable {
  /// Built-in workload names; empty means all.
  public var workloads: [String] = []
  /// Strategy names; empty means the whole catalogue.
  public var strategies: [String] = []
  /// A built-in profile name or a profile file; nil means the default profile.
  public var profile: String?
  /// A ``ReportFormat`` name; anything else exits 64.
  public var format: String = ReportFormat.table.rawValue
  /// `key=value` overrides applied after the profile, in the profile file syntax (`ltr=20`).
  public var settings: [String] = []
  /// Replaces every workload's seed.
  public var seed: UInt64?
  /// Replaces every workload's duration by this many switches.
  public var switches: Int?
  /// Replaces every workload's bound on engine events (runs that reach it are partial).
  public var maxEvents: Int?
  /// Print only the profile, every figure with its source, in the profile file format.
  public var showProfile = false

  public init() {}

  /// Runs the comparison: exit 0 when every run is clean, 1 when any run failed or has a
  /// violation its strategy's declared limitations do not explain (those are listed as notes), 64 for an unknown name, a bad format or a malformed profile (one line saying why).
  public func execute() -> CommandOutput {
    guard let format = ReportFormat(rawValue: format) else {
      return .usage(
        "unknown format '\(format)'; known: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    var chosenWorkloads: [Workload] = []
    for name in workloads {
      guard let workload = Workload.builtIn(named: name) else {
        return .usage("unknown workload '\(name)'; known: \(Workload.knownNames.joined(separator: ", "))")
      }
      chosenWorkloads.append(workload)
    }
    var chosenStrategies: [any SwitchStrategy] = []
    for name in strategies {
      guard let strategy = StrategyCatalog.strategy(named: name) else {
        return .usage("unknown strategy '\(name)'; known: \(StrategyCatalog.names.joined(separator: ", "))")
      }
      chosenStrategies.append(strategy)
    }
    if let switches, switches <= 0 { return .usage("--switches must be positive, not \(switches)") }
    if let maxEvents, maxEvents <= 0 { return .usage("--max-events must be positive, not \(maxEvents)") }
    let cycleProfile: CycleProfile
    do {
      let loaded = try profile.map(CycleProfile.load) ?? .default
      var adjusted = loaded
      if !settings.isEmpty {
        adjusted = try CycleProfile.parse(settings.joined(separator: "\n"), source: "--set", base: loaded)
        adjusted.name = loaded.name + " --set " + settings.joined(separator: " --set ")
      }
      cycleProfile = adjusted
    } catch {
      return .usage(error.description)
    }
    if showProfile { return CommandOutput(output: cycleProfile.fileText) }
    if let maxEvents {
      for index in chosenWorkloads.indices { chosenWorkloads[index].maxEvents = maxEvents }
      if chosenWorkloads.isEmpty {
        chosenWorkloads = Workload.builtIn.map {
          var workload = $0
          workload.maxEvents = maxEvents
          return workload
        }
      }
    }
    let comparison = Comparison.run(
      workloads: chosenWorkloads.isEmpty ? Workload.builtIn : chosenWorkloads,
      strategies: chosenStrategies.isEmpty ? StrategyCatalog.all : chosenStrategies,
      profile: cycleProfile, seed: seed, duration: switches.map { .switches($0) })
    let problems = comparison.problems
    let notes = comparison.expectedViolations.map { "note: " + $0 }
    return CommandOutput(
      output: comparison.rendered(as: format),
      diagnostics: (problems.map { "error: " + $0 } + notes).joined(separator: "\n"),
      exitCode: problems.isEmpty ? 0 : 1)
  }
}
