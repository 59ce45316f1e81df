import IOPBKernel

/// A run of the event engine: programs with behaviours on `cpuCount` CPUs for a duration, driven by
/// one seed. A value; the same workload and seed give the same run.
public struct Workload: Sendable, Hashable {
  /// When a run ends.
  public enum Duration: Sendable, Hashable, CustomStringConvertible {
    /// After this many context switches.
    case switches(Int)
    /// After this many scheduler ticks of simulated time.
    case ticks(Int)

    public var description: String {
      switch self {
      case .switches(let count): "\(count) switches"
      case .ticks(let count): "\(count) ticks"
      }
    }
  }

  /// The stable name used on the command line and in reports.
  public var name: String
  /// Whom it models, one line.
  public var summary: String
  public var cpuCount: Int
  public var duration: Duration
  public var seed: UInt64
  /// The programs it runs; each spawns ``Program/instances`` processes at boot.
  public var programs: [Program]
  /// Microseconds per scheduler tick (HZ = 1000).
  public var tickMicroseconds = 1000
  /// Time slice of a CPU-bound thread, in microseconds.
  public var timeSliceMicroseconds = 4000
  /// Bound on engine events; a run that reaches it stops with partial results.
  public var maxEvents = 2_000_000
  /// The modelled kernel's build options (port count, lockdown, …).
  public var kernel = KernelConfiguration()

  public init(
    name: String, summary: String, cpuCount: Int, duration: Duration, seed: UInt64 = 1,
    programs: [Program]
  ) {
    self.name = name
    self.summary = summary
    self.cpuCount = cpuCount
    self.duration = duration
    self.seed = seed
    self.programs = programs
  }

  /// The program called `name`, for fork templates.
  public func program(named name: String) -> Program? { programs.first { $0.name == name } }

  /// The same workload with another duration, e.g. a short one for tests.
  public func with(duration: Duration) -> Workload {
    var copy = self
    copy.duration = duration
    return copy
  }

  /// The same workload with another seed.
  public func with(seed: UInt64) -> Workload {
    var copy = self
    copy.seed = seed
    return copy
  }
}
