import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBMachine
import IOPBSimulator
import IOPBStrategies

/// A machine with its strategy type erased, so one test can drive every strategy of the
/// catalog with the same steps.
protocol SteppableMachine {
  var strategyName: String { get }
  var counts: OperationCounts { get }
  mutating func apply(_ step: MachineStep) throws(MachineError) -> StepResult
  mutating func spawn(credentials: Credentials, on cpu: CPUID) throws(MachineError) -> ThreadID
  func invariantViolations() -> [InvariantViolation]
}

extension Machine: SteppableMachine {
  var strategyName: String { strategy.name }
}

/// A booted machine running `strategy`.
func makeMachine(
  _ strategy: any SwitchStrategy, cpuCount: Int, kernel: KernelConfiguration
) -> any SteppableMachine {
  func open<S: SwitchStrategy>(_ strategy: S) -> any SteppableMachine {
    Machine(strategy: strategy, cpuCount: cpuCount, kernel: kernel)
  }
  return open(strategy)
}
