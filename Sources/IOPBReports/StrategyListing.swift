import IOPBStrategies

/// The designs as `iopb strategies` prints them: per design its name, then where it comes from,
/// what a switch does, whether it runs under KPTI and each limitation it declares, one a line.
public struct StrategyListing {
  public let catalogue: [any SwitchStrategy]
  public let variants: [any SwitchStrategy]

  public init(catalogue: [any SwitchStrategy], variants: [any SwitchStrategy]) {
    self.catalogue = catalogue
    self.variants = variants
  }

  public var text: String {
    var lines = catalogue.flatMap(Self.entry)
    if !variants.isEmpty {
      lines += ["", "Variants (by --strategy NAME only; compare never runs them):", ""]
      lines += variants.flatMap(Self.entry)
    }
    return lines.dropLast().joined(separator: "\n")
  }

  static func entry(_ strategy: any SwitchStrategy) -> [String] {
    var lines = [
      strategy.name,
      "  from:  \(strategy.origin)",
      "  does:  \(strategy.mechanism)",
      "  KPTI:  \(strategy.kptiCompatible ? "yes" : "no: the TSS must sit at a fixed cpu_entry_area address")",
    ]
    lines += strategy.limitations.isEmpty ? ["  limits: none"] : strategy.limitations.map { "  limit: \($0)" }
    return lines + [""]
  }
}
