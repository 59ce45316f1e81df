import IOPBStrategies

/// Properties of a strategy that reports show but the simulation does not measure.
enum StrategyTraits {
  /// Whether the design stays valid under KPTI (the TSS must sit at a fixed address in the
  /// `cpu_entry_area`, linux-ioperm.md §6.3); nil while the strategy protocol does not say.
  static func validUnderKPTI(_ strategy: any SwitchStrategy) -> Bool? { nil }
}
