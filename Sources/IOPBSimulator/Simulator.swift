import IOPBCost
import IOPBMachine
import IOPBStrategies

/// Runs workloads on the machine: the entry point of the event engine.
public enum Simulator {
  /// Runs `workload` under `strategy`, pricing with `profile`. Opens the existential so every
  /// strategy of the catalogue runs on its own concrete ``Machine``.
  ///
  /// - Parameter checkingInvariants: also check the strategy's and the kernel's invariants
  ///   after every 16th switch (where the steps since touched them) and all of them at the
  ///   end (for tests), reporting breaks as violations.
  /// - Parameter control: asked now and then whether to stop (the result is then
  ///   ``SimulationResult/partial``) and told how far the run got.
  public static func simulate(
    _ workload: Workload, strategy: any SwitchStrategy, profile: CycleProfile = .default,
    checkingInvariants: Bool = false, control: RunControl = .unbounded
  ) -> SimulationResult {
    Simulation(workload: workload, profile: profile, checkingInvariants: checkingInvariants, control: control)
      .open(strategy)
  }

  /// ``simulateOpened(_:strategy:profile:checkingInvariants:control:)`` with everything but
  /// the strategy, for ``StrategyOpener/open(_:)``.
  private struct Simulation: StrategyOpener {
    var workload: Workload
    var profile: CycleProfile
    var checkingInvariants: Bool
    var control: RunControl

    func callAsFunction<Strategy: SwitchStrategy>(_ strategy: Strategy) -> SimulationResult {
      simulateOpened(
        workload, strategy: strategy, profile: profile, checkingInvariants: checkingInvariants, control: control)
    }
  }

  /// Runs `workload` under a concrete `strategy`.
  public static func simulateOpened<Strategy: SwitchStrategy>(
    _ workload: Workload, strategy: Strategy, profile: CycleProfile = .default,
    checkingInvariants: Bool = false, control: RunControl = .unbounded
  ) -> SimulationResult {
    var engine = SimulationEngine(
      workload: workload, strategy: strategy, profile: profile, checksInvariants: checkingInvariants,
      control: control)
    return engine.run()
  }
}
