import IOPBCPU
import IOPBKernel

/// A step that cannot be taken in the machine's current state.
public enum MachineError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
  case noSuchCPU(CPUID)
  case noSuchThread(ThreadID)
  case threadExited(ThreadID)
  /// The thread must be running on a CPU for this step.
  case notRunning(ThreadID)
  /// The thread is already running on another CPU.
  case runningElsewhere(ThreadID, cpu: CPUID)
  /// The CPU has no current thread (it is idle).
  case idle(cpu: CPUID)
  /// The access starts at a port the machine does not have (a reduced port count).
  case noSuchPort(Int, portCount: Int)
  /// The step needs the current thread of the CPU in user mode.
  case notInUserMode(cpu: CPUID)
  /// The step needs the current thread of the CPU in the kernel.
  case notInKernel(cpu: CPUID)
  /// An I/O worker never returns to user mode.
  case ioWorkerStaysInKernel(ThreadID)
  /// The step is an I/O worker's, and the thread is a user thread.
  case notIOWorker(ThreadID)

  public var description: String { description(naming: \.description) }

  /// The error with each thread written as `name` gives it.
  public func description(naming name: (ThreadID) -> String) -> String {
    switch self {
    case .noSuchCPU(let cpu): "there is no \(cpu)"
    case .noSuchThread(let thread): "there is no \(name(thread))"
    case .threadExited(let thread): "\(name(thread)) has exited"
    case .notRunning(let thread): "\(name(thread)) is not running on any CPU"
    case .runningElsewhere(let thread, let cpu): "\(name(thread)) is already running on \(cpu)"
    case .idle(let cpu): "\(cpu) is idle"
    case .noSuchPort(let port, let count): "port 0x\(String(port, radix: 16)) does not exist: the machine has \(count) ports"
    case .notInUserMode(let cpu): "the thread on \(cpu) is not in user mode"
    case .notInKernel(let cpu): "the thread on \(cpu) is already in user mode"
    case .ioWorkerStaysInKernel(let thread): "\(name(thread)) is an I/O worker: it never returns to user mode"
    case .notIOWorker(let thread): "\(name(thread)) is not an I/O worker"
    }
  }
}
