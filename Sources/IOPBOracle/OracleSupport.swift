import IOPBKernel
import IOPBScenario

/// What a stock kernel booted under QEMU can be made to do deterministically.
public enum OracleSupport {
  /// CPUs the guest is booted with.
  public static let guestCPUs = 2

  /// The kernel deviations a run on the guest can show, in ``KernelDeviation/allCases`` order:
  /// all but those that act only when a fork fails after `copy_thread()` or through I/O
  /// workers, since the guest can inject no allocation failure and its agent starts no io_uring
  /// (`inject enomem` and `ioworker` steps are model-only).
  public static let observableDeviations: [KernelDeviation] = KernelDeviation.allCases.filter {
    $0 != .failedForkDropsParentBitmap && $0 != .ioWorkerInheritsFlag
  }

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
  /// whole scenario fits). VM exits, injected allocation failures and I/O workers are
  /// model-only.
  public static func supportedPrefix(_ scenario: Scenario) -> (scenario: Scenario, cut: String?) {
    guard
      let index = scenario.steps.firstIndex(where: { step in
        switch step.action {
        case .vmExit, .failNextAllocation, .ioWorker, .syscall(_, .ioWorker): true
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
