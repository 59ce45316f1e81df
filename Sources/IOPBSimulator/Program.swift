import IOPBCPU

/// A program in a ``Workload``: what each of its processes, and the threads they create, does.
///
/// A thread runs in bursts: each time it is switched in it makes ``accessesPerRun`` port accesses
/// (cycling through ``ports``), computes for a burst drawn from ``runMicroseconds`` (a CPU-bound
/// thread is preempted at the time slice), then sleeps as ``sleep`` says. Its first run makes the
/// ``grants`` calls and creates its ``threads``.
public struct Program: Sendable, Hashable {
  /// A permission request made on the first run.
  public enum Grant: Sendable, Hashable {
    /// `ioperm(from, count, 1)`.
    case ioperm(from: UInt16, count: Int)
    /// `iopl(3)`.
    case iopl3
  }

  /// How a thread waits between bursts.
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
    /// The program (by name, in the same workload) the child runs.
    public var child: String

    public init(every: Int, child: String) {
      self.every = every
      self.child = child
    }
  }

  public var name: String
  /// Processes spawned at boot; 0 for a program only run by fork children.
  public var instances: Int
  /// The CPU instances start on; nil spreads them round robin.
  public var cpu: CPUID?
  /// Root with CAP_SYS_RAWIO; otherwise an ordinary user.
  public var privileged = false
  /// SCHED_FIFO: queued ahead of normal threads and preempts them on wakeup.
  public var realtime = false
  public var grants: [Grant] = []
  /// Ports each thread reads and writes, in turn, `accessesPerRun` times each time it runs.
  public var ports: [UInt16] = []
  public var accessesPerRun = 0
  /// CPU time of one burst, drawn uniformly; ignored when the thread never sleeps.
  public var runMicroseconds: ClosedRange<Int> = 50...200
  public var sleep: Sleep = .never
  /// Calls `exit()` after this many bursts.
  public var burstsBeforeExit: Int?
  public var forking: Forking?
  /// Every this many bursts, drops its first grant and takes it again: a VT switch away and
  /// back, across which DOSEMU and X servers release their ports.
  public var regrantEvery: Int?
  /// Threads created with `clone(CLONE_THREAD)` on the first run; they share the bitmap and do
  /// what this program does (without grants or threads of their own).
  public var threads = 0
  /// Chance in 1000, on every wakeup, of being placed on another CPU.
  public var migrationPermille = 0
  /// Bytes of memory a thread touches per microsecond it runs, which pushes bitmaps out of the
  /// CPU's caches (``CacheModel``); a plausible value chosen here, not a measurement.
  public var touchBytesPerMicrosecond = 100

  public init(name: String, instances: Int = 1) {
    self.name = name
    self.instances = instances
  }

  /// What a thread this program creates runs: the same, without grants, threads or forks.
  var threadProgram: Program {
    var program = self
    program.name = name + ".thread"
    program.instances = 0
    program.grants = []
    program.threads = 0
    program.forking = nil
    program.regrantEvery = nil
    return program
  }
}
