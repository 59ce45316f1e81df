import IOPBCPU
import IOPBKernel

/// The bounded set of steps a checker or a random driver may take in a state
/// (``Machine/enabledSteps(_:)`` lists those a state enables).
public struct StepMenu: Sendable, Hashable {
  /// A kind of step, by the name the command line uses.
  public enum Operation: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A context switch on a CPU to a thread not running elsewhere, or to idle.
    case `switch`
    /// Switches may bring a thread onto another CPU than the one it last ran on or was
    /// created on (without it, each thread stays on its CPU).
    case migrate
    /// The current thread of a CPU, in the kernel, returns to user mode.
    case `return`
    case ioperm, iopl, fork, thread, exec, exit, setresuid
    /// Port accesses (``StepMenu/probes``) by a thread in user mode.
    case access
    /// CLI by a thread in user mode.
    case cli
    /// A VM exit on a CPU.
    case vmexit
    /// The next kernel allocation fails (one pending at a time).
    case enomem

    public static func < (lhs: Self, rhs: Self) -> Bool {
      (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
  }

  public var operations: Set<Operation>
  /// The port ranges `ioperm` turns on and off.
  public var ranges: [ClosedRange<Int>]
  /// The accesses a thread in user mode may make.
  public var probes: [IOAccess]
  /// Live threads at most: `fork` and `clone` are enabled below it.
  public var maxThreads: Int
  /// The `iopl` levels offered.
  public var levels: [UInt32] = [0, 3]
  /// The uid `setresuid` changes to.
  public var userID: UInt32 = 1000

  /// Every operation over `ranges`, probed by ``probes(for:portCount:)``.
  public init(
    operations: Set<Operation> = Set(Operation.allCases), ranges: [ClosedRange<Int>], portCount: Int,
    maxThreads: Int
  ) {
    self.operations = operations
    self.ranges = ranges
    self.probes = Self.probes(for: ranges, portCount: portCount)
    self.maxThreads = maxThreads
  }

  /// Ranges that straddle a byte (7–8) and, with 128 ports or more, a 64-bit word (63–64),
  /// and the last port.
  public static func defaultRanges(portCount: Int) -> [ClosedRange<Int>] {
    var ranges: [ClosedRange<Int>] = [7...8]
    if portCount >= 128 { ranges.append(63...64) }
    ranges.append((portCount - 1)...(portCount - 1))
    return ranges
  }

  /// For each range `lo…hi`: `inb lo`, `inw hi` (which reaches one port past the range) and
  /// `inl lo`, each once, for ports that exist.
  public static func probes(for ranges: [ClosedRange<Int>], portCount: Int) -> [IOAccess] {
    var probes: [IOAccess] = []
    for range in ranges {
      for (port, width) in [(range.lowerBound, IOAccessWidth.byte), (range.upperBound, .word), (range.lowerBound, .dword)]
      where port < portCount {
        let access = IOAccess(.in, port: UInt16(port), width: width)
        if !probes.contains(access) { probes.append(access) }
      }
    }
    return probes
  }
}
