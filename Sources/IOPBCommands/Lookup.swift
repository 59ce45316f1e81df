import ArgumentParser
import IOPBSimulator
import IOPBStrategies

/// The built-in workloads and strategies that names given on the command line pick. An
/// unknown name is a usage error (`ValidationError`, exit 64) that lists the known names.
enum Lookup {
  /// The built-in workload or reproduction called `name`.
  static func workload(named name: String) throws(ValidationError) -> Workload {
    guard let workload = Workload.builtIn(named: name) else {
      throw ValidationError("unknown workload '\(name)'; known: \(Workload.knownNames.joined(separator: ", "))")
    }
    return workload
  }

  /// The workloads called `names`, in order.
  static func workloads(named names: [String]) throws(ValidationError) -> [Workload] {
    var workloads: [Workload] = []
    for name in names { workloads.append(try workload(named: name)) }
    return workloads
  }

  /// The strategy called `name`: one of the catalogue's, or one of its variants (the mutants'
  /// designs among them).
  static func strategy(named name: String) throws(ValidationError) -> any SwitchStrategy {
    guard let strategy = StrategyCatalog.strategy(named: name) else {
      throw ValidationError(
        "unknown strategy '\(name)'; known: \(StrategyCatalog.names.joined(separator: ", ")); variants: \(StrategyCatalog.variantNames.joined(separator: ", "))")
    }
    return strategy
  }

  /// The strategies called `names`, in order.
  static func strategies(named names: [String]) throws(ValidationError) -> [any SwitchStrategy] {
    var strategies: [any SwitchStrategy] = []
    for name in names { strategies.append(try strategy(named: name)) }
    return strategies
  }
}
