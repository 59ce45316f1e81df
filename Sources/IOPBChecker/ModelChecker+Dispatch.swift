import IOPBStrategies

extension CheckConfiguration {
  /// Explores `strategy`'s states (``ModelChecker/run(progress:)``). Linux 5.5, the design
  /// most often checked (and the one measured against SPIN), gets code specialised for its
  /// type; every other design runs the generic code.
  public func check(
    _ strategy: any SwitchStrategy, progress: (@Sendable (CheckProgress) -> Void)? = nil
  ) async -> CheckResult {
    if let linux = strategy as? Linux55Strategy {
      return await ModelChecker(strategy: linux, configuration: self).run(progress: progress)
    }
    return await open(strategy, progress: progress)
  }

  private func open(
    _ strategy: some SwitchStrategy, progress: (@Sendable (CheckProgress) -> Void)?
  ) async -> CheckResult {
    await ModelChecker(strategy: strategy, configuration: self).run(progress: progress)
  }
}
