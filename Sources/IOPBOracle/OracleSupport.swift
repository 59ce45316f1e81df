import IOPBKernel
import IOPBScenario

/// What a stock kernel booted under QEMU can be made to do deterministically.
public enum OracleSupport {
  /// CPUs the guest is booted with.
  public static let guestCPUs = 2

  /// Why `scenario` cannot run on the guest, or nil when it can.
  public static func unsupportedReason(_ scenario: Scenario) -> String? {
    let defaults = KernelConfiguration()
    if scenario.cpuCount > guestCPUs { return "needs \(scenario.cpuCount) CPUs; the guest has \(guestCPUs)" }
    if scenario.kernel.portCount != defaults.portCount { return "a reduced port count is model-only" }
    if scenario.kernel.lockdown { return "the stock kernel boots without lockdown" }
    if !scenario.kernel.ioplIoperm { return "the stock kernel has CONFIG_X86_IOPL_IOPERM=y" }
    if !scenario.kernel.fakesCLISTIAtLevel3 { return "the stock kernel fakes CLI/STI at level 3" }
    return nil
  }

  /// The longest prefix of `scenario` the guest can run, and why it stops early (nil when the
  /// whole scenario fits). VM exits and injected allocation failures are model-only.
  public static func supportedPrefix(_ scenario: Scenario) -> (scenario: Scenario, cut: String?) {
    guard
      let index = scenario.steps.firstIndex(where: { step in
        switch step.action {
        case .vmExit, .failNextAllocation: true
        default: false
        }
      })
    else { return (scenario, nil) }
    var prefix = scenario
    prefix.steps.removeSubrange(index...)
    let step = scenario.steps[index]
    return (prefix, "stops before line \(step.location.line) ('\(step.text)'): model-only step")
  }
}
