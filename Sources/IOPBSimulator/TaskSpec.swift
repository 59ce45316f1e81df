/// What one kind of task does in a ``Workload``.
///
/// A task runs in bursts: each time it is switched in it makes ``accessesPerRun`` port accesses
/// (cycling through ``ports``), computes for a burst drawn from ``runMicroseconds`` (a CPU-bound
/// task is preempted at the time slice), then sleeps as ``sleep`` says. Its first run makes the
/// ``grants`` calls and creates its ``threads``.
public struct TaskSpec: Sendable, Hashable {
  /// A permission request made on the first run.
  public enum Grant: Sendable, Hashable {
    /// `ioperm(from, count, 1)`.
    case ioperm(from: UInt16, count: Int)
    /// `iopl(3)`.
    case iopl3
  }

  /// How a task waits between bursts.
  public enum Sleep: Sendable, Hashable {
    /// Never: CPU-bound, runs until preempted.
    case never
    /// Blocks for a random time in the range (µs): I/O waits, timers.
    case random(ClosedRange<Int>)
    /// Wakes every `period` µs from its first run (a periodic real-time loop).
    case periodic(Int)
  }

  /// Forking on a schedule.
  public struct Forking: Sendable, Hashable {
    /// Fork after every `every` bursts.
    public var every: Int
    /// The spec (by name, in the same workload) the child follows.
    public var child: String

    public init(every: Int, child: String) {
      self.every = every
      self.child = child
    }
  }

  public var name: String
  /// Processes spawned at boot; 0 for a spec only used as a fork child.
  public var instances: Int
  /// The CPU instances start on; nil spreads them round robin.
  public var cpu: Int?
  /// Root with CAP_SYS_RAWIO; otherwise an ordinary user.
  public var privileged = false
  /// SCHED_FIFO: queued ahead of normal tasks and preempts them on wakeup.
  public var realtime = false
  public var grants: [Grant] = []
  /// Ports the task reads and writes, in turn, `accessesPerRun` times each time it runs.
  public var ports: [UInt16] = []
  public var accessesPerRun = 0
  /// CPU time of one burst, drawn uniformly; ignored when the task never sleeps.
  public var runMicroseconds: ClosedRange<Int> = 50...200
  public var sleep: Sleep = .never
  /// Calls `exit()` after this many bursts.
  public var burstsBeforeExit: Int?
  public var forking: Forking?
  /// Every this many bursts, drops its first grant and takes it again: a VT switch away and
  /// back, across which DOSEMU and X servers release their ports.
  public var regrantEvery: Int?
  /// Threads created with `clone(CLONE_THREAD)` on the first run; they share the bitmap and do
  /// what this spec does (without grants or threads of their own).
  public var threads = 0
  /// Chance in 1000, on every wakeup, of being placed on another CPU.
  public var migrationPermille = 0

  public init(name: String, instances: Int = 1) {
    self.name = name
    self.instances = instances
  }

  /// The spec of a thread this task creates.
  var threadSpec: TaskSpec {
    var spec = self
    spec.name = name + ".thread"
    spec.instances = 0
    spec.grants = []
    spec.threads = 0
    spec.forking = nil
    spec.regrantEvery = nil
    return spec
  }
}
