import IOPBCPU
import IOPBKernel

/// The bounded set of steps a checker or a random driver may take in a state
/// (``Machine/enabledSteps(_:)`` lists those a state enables, ``Machine/randomStep(_:index:)``
/// draws one).
///
/// The argument lists (``ioperms``, ``levels``, ``userIDs``, ``probes``,
/// ``interruptFlagInstructions``, ``credentials``) are offered in their order; a random driver
/// draws uniformly among the steps of the kind it picked, so an entry listed twice is drawn twice
/// as often. The checker's menus list each entry once.
public struct StepMenu: Sendable, Hashable {
  /// A kind of step, by the name the command line uses.
  public enum Operation: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A context switch on a CPU to a thread not running elsewhere, or to idle.
    case `switch`
    /// Switches may bring a thread onto another CPU than the one it last ran on or was
    /// created on (without it, each thread stays on its CPU). Under implicit scheduling it also
    /// offers each live thread's move to each CPU (``MachineStep/migrate(_:cpu:)``).
    case migrate
    /// The current thread of a CPU, in the kernel, returns to user mode.
    case `return`
    case ioperm, iopl, fork, thread, exec, exit, setresuid
    /// Port accesses (``StepMenu/probes``) by a thread in user mode.
    case access
    /// CLI (and whatever else ``StepMenu/interruptFlagInstructions`` lists) by a thread in
    /// user mode.
    case cli
    /// A VM exit on a CPU.
    case vmexit
    /// The next kernel allocation fails (one pending at a time).
    case enomem
    /// I/O workers (io_uring's `create_io_thread()`): a thread in user mode creates one below
    /// the thread bound; a worker current on its CPU (always in the kernel) creates another
    /// or exits.
    case ioworker

    public static func < (lhs: Self, rhs: Self) -> Bool {
      (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
  }

  /// Which threads may act, and how they get there.
  public enum Scheduling: Sendable, Hashable {
    /// Only the current thread of a CPU, in user mode, acts; bringing a thread there is up to
    /// the `switch` and `return` steps (the model checker: every interleaving is a path).
    case explicit
    /// Every live thread may act: ``Machine/steps(for:)`` first brings it onto the CPU it is
    /// placed on and into user mode (``Machine/preparation(for:userMode:)``), as a scheduler
    /// would and as a scenario's thread step does. `switch`, `return`, `vmexit` and `enomem`
    /// are offered as under explicit scheduling when the menu has them.
    case implicit
  }

  /// The arguments of one `ioperm(from, num, turn_on)` call.
  public struct Ioperm: Sendable, Hashable {
    public var from: UInt64
    public var count: UInt64
    public var turnOn: Bool

    public init(from: UInt64, count: UInt64, turnOn: Bool) {
      self.from = from
      self.count = count
      self.turnOn = turnOn
    }
  }

  /// Where `fork` and `clone` place the new thread.
  public enum ChildPlacement: Sendable, Hashable {
    /// On the caller's CPU.
    case callersCPU
    /// On any CPU: one `fork` (and one `clone`) step per CPU.
    case anyCPU
  }

  public var operations: Set<Operation>
  /// Explicit for the model checker; implicit for drivers that let any live thread act.
  public var scheduling: Scheduling = .explicit
  /// The `ioperm` calls offered.
  public var ioperms: [Ioperm] = []
  /// The `iopl` levels offered.
  public var levels: [UInt32] = [0, 3]
  /// The uids `setresuid` changes to.
  public var userIDs: [UInt32] = [1000]
  /// The accesses a thread in user mode may make.
  public var probes: [IOAccess] = []
  /// What the `cli` operation executes.
  public var interruptFlagInstructions: [InterruptFlagInstruction] = [.cli]
  /// Live threads at most: `fork` and `clone` are enabled below it.
  public var maxThreads: Int
  /// `exit` is enabled while more threads than this live.
  public var minThreads = 0
  /// Where `fork` and `clone` place the new thread.
  public var childPlacement: ChildPlacement = .callersCPU
  /// The credentials ``Machine/spawnProcess(_:index:)`` starts a process with.
  public var credentials: [Credentials] = [.root]
  /// The relative weight with which ``Machine/randomStep(_:index:)`` picks each operation
  /// (1 when absent; 0 never picks it). The model checker ignores weights.
  public var weights: [Operation: Int] = [:]

  /// The model checker's menu: every operation of `operations` under explicit scheduling,
  /// `ioperm` turning each of `ranges` on and off, probed by ``probes(for:portCount:)``.
  public init(
    operations: Set<Operation> = Set(Operation.allCases), ranges: [ClosedRange<Int>], portCount: Int,
    maxThreads: Int
  ) {
    self.operations = operations
    self.ioperms = Self.ioperms(turningOnAndOff: ranges)
    self.probes = Self.probes(for: ranges, portCount: portCount)
    self.maxThreads = maxThreads
  }

  /// A menu of `operations` under `scheduling` with no arguments yet: set ``ioperms``,
  /// ``probes`` and the rest for the operations that need them.
  public init(_ scheduling: Scheduling, operations: Set<Operation>, maxThreads: Int) {
    self.operations = operations
    self.scheduling = scheduling
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

  /// The weight ``Machine/randomStep(_:index:)`` gives `operation`: ``weights``' entry, or 1.
  public func weight(of operation: Operation) -> Int { weights[operation, default: 1] }

  /// For each range, `ioperm` turning it on, then off.
  public static func ioperms(turningOnAndOff ranges: [ClosedRange<Int>]) -> [Ioperm] {
    ranges.flatMap { range in
      [true, false].map { Ioperm(from: UInt64(range.lowerBound), count: UInt64(range.count), turnOn: $0) }
    }
  }

  /// Every combination of a first port, a count and a `turn_on`, first ports outermost.
  public static func ioperms(from: [UInt64], counts: [UInt64], turnOn: [Bool]) -> [Ioperm] {
    from.flatMap { from in
      counts.flatMap { count in turnOn.map { Ioperm(from: from, count: count, turnOn: $0) } }
    }
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

  /// An `in` of every width of `widths` at every port of `ports`, ports outermost.
  public static func probes(ports: [UInt16], widths: [IOAccessWidth]) -> [IOAccess] {
    ports.flatMap { port in widths.map { IOAccess(.in, port: port, width: $0) } }
  }
}
