import ArgumentParser
import IOPBKernel
import IOPBReports
import IOPBSimulator
import IOPBStrategies

/// A closed set of names an option value may take, and what each name picks.
protocol NameCatalogue {
  associatedtype Value
  /// What the names name, for messages: `strategy`, `workload`, …
  static var kind: String { get }
  /// Every valid name, in the order `--help` lists them.
  static var names: [String] { get }
  static func value(named name: String) -> Value?
}

/// An option value that is a name from `Catalogue`: `--help` lists the valid names and shell
/// completion offers them. Parsing keeps the text; ``resolved()`` (called from each command's
/// `validate()`) refuses an unknown name with one line naming the valid ones, which
/// ArgumentParser turns into exit 64 — its own message for a failed `init?(argument:)` lists
/// six or more names one per line.
struct OptionName<Catalogue: NameCatalogue>: ExpressibleByArgument, Sendable, Hashable {
  let text: String

  init(_ text: String) { self.text = text }
  init?(argument: String) { text = argument }

  static var allValueStrings: [String] { Catalogue.names }
  static var defaultCompletionKind: CompletionKind { .list(Catalogue.names) }
  var defaultValueDescription: String { text }

  /// What the name picks.
  func resolved() throws(ValidationError) -> Catalogue.Value {
    guard let value = Catalogue.value(named: text) else {
      throw ValidationError(
        "unknown \(Catalogue.kind) '\(text)'; known: \(Catalogue.names.joined(separator: ", "))")
    }
    return value
  }
}

extension Array {
  /// What each name picks, in order.
  func resolved<Catalogue>() throws(ValidationError) -> [Catalogue.Value] where Element == OptionName<Catalogue> {
    var values: [Catalogue.Value] = []
    for name in self { values.append(try name.resolved()) }
    return values
  }
}

/// The designs of the catalogue and their variants (`--strategy`).
enum StrategyNames: NameCatalogue {
  static let kind = "strategy"
  static var names: [String] { StrategyCatalog.names + StrategyCatalog.variantNames }
  static func value(named name: String) -> (any SwitchStrategy)? { StrategyCatalog.strategy(named: name) }
}

/// The built-in workloads and reproductions (`--workload`).
enum WorkloadNames: NameCatalogue {
  static let kind = "workload"
  static var names: [String] { Workload.knownNames }
  static func value(named name: String) -> Workload? { Workload.builtIn(named: name) }
}

/// The rules of the kernel model that can be flipped (`--deviation`).
enum DeviationNames: NameCatalogue {
  static let kind = "deviation"
  static var names: [String] { KernelDeviation.allCases.map(\.rawValue) }
  static func value(named name: String) -> KernelDeviation? { KernelDeviation(rawValue: name) }
}

/// How `iopb compare` writes a comparison (`--format`).
enum ReportFormatNames: NameCatalogue {
  static let kind = "format"
  static var names: [String] { ReportFormat.allCases.map(\.rawValue) }
  static func value(named name: String) -> ReportFormat? { ReportFormat(rawValue: name) }
}

/// How `iopb run` writes its runs (`--format`).
enum RunReportFormatNames: NameCatalogue {
  static let kind = "format"
  static var names: [String] { RunReportFormat.allCases.map(\.rawValue) }
  static func value(named name: String) -> RunReportFormat? { RunReportFormat(rawValue: name) }
}

typealias StrategyName = OptionName<StrategyNames>
typealias WorkloadName = OptionName<WorkloadNames>
typealias DeviationName = OptionName<DeviationNames>
typealias ReportFormatName = OptionName<ReportFormatNames>
typealias RunReportFormatName = OptionName<RunReportFormatNames>
