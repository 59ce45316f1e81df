import IOPBStrategies

/// Properties of a strategy that reports show but the simulation does not measure.
enum StrategyTraits {
  /// Whether the design can run with KPTI, which needs the TSS at a fixed address in the
  /// user-visible `cpu_entry_area` (linux-ioperm.md §6.3, Gerst 2019-11-07).
  static func validUnderKPTI(_ strategy: any SwitchStrategy) -> Bool? { strategy.kptiCompatible }

  /// What the design cannot reproduce of Linux ≥ 5.5; violations in workloads that need it
  /// are expected rather than bugs.
  static func limitations(_ strategy: any SwitchStrategy) -> [String] { strategy.limitations }
}
