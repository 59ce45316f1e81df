import IOPBStrategies

/// Runs workloads on the machine: the entry point of the event engine.
public enum Simulator {
  /// Runs `workload` under `strategy`, pricing with `profile`. Opens the existential so every
  /// strategy of the catalogue runs on its own concrete ``Machine``.
  public static func simulate(
    _ workload: Workload, strategy: any SwitchStrategy, profile: CycleProfile = .default
  ) -> SimulationResult {
    simulateOpened(workload, strategy: strategy, profile: profile)
  }

  /// Runs `workload` under a concrete `strategy`.
  public static func simulateOpened<Strategy: SwitchStrategy>(
    _ workload: Workload, strategy: Strategy, profile: CycleProfile = .default
  ) -> SimulationResult {
    var engine = SimulationEngine(workload: workload, strategy: strategy, profile: profile)
    return engine.run()
  }
}
