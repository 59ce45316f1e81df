import IOPBCPU
import IOPBKernel
import IOPBMachine

/// The bounds of one exploration: the machine, the steps offered, and when to stop.
///
/// The initial state has ``processes`` processes of one root thread each, thread `i` placed on
/// CPU `i mod cpus`, every CPU idle, every TSS as the design boots it.
public struct CheckConfiguration: Sendable, Hashable {
  public var cpus = 2
  public var processes = 2
  /// Live threads at most (the initial ones included).
  public var threads = 2
  public var ports = 128
  /// Steps from the initial state at most; nil explores until no new state appears. The
  /// default keeps a run of every design to about a minute (docs/checker.md).
  public var depth: Int? = 14
  public var operations = Set(StepMenu.Operation.allCases)
  /// The ranges `ioperm` turns on and off; nil for ``StepMenu/defaultRanges(portCount:)``.
  public var ranges: [ClosedRange<Int>]?
  public var symmetry: Symmetry = .all
  public var storage: StateStore.Storage = .exact
  /// Judge the design's and the kernel's invariants after every step; without them only what
  /// a program or the kernel can observe counts: the double check and kernel faults.
  public var checksInvariants = true
  /// Kernel rules flipped (mutants); entitlement still follows Linux.
  public var deviations: Set<KernelDeviation> = []
  /// Stop once this many states are stored.
  public var maxStates: Int?
  /// Stop once the process's resident memory exceeds this many bytes.
  public var maxMemory: Int?
  /// Stop after this many seconds.
  public var timeout: Double?
  /// Worker threads expanding states; the result does not depend on it.
  public var jobs = 1
  /// Explore only this shard's part of the state space (see ``Shard``).
  public var shard: Shard?

  public init() {}

  public var kernel: KernelConfiguration { KernelConfiguration(portCount: ports, deviations: deviations) }

  public var menu: StepMenu {
    StepMenu(
      operations: operations, ranges: ranges ?? StepMenu.defaultRanges(portCount: ports), portCount: ports,
      maxThreads: threads)
  }

  /// What is wrong with these bounds, one sentence each; empty when they are usable.
  public var problems: [String] {
    var problems: [String] = []
    if !(1...8).contains(cpus) { problems.append("--cpus must be 1…8, not \(cpus)") }
    if !(1...6).contains(processes) { problems.append("--processes must be 1…6, not \(processes)") }
    if threads < processes || threads > 8 { problems.append("--threads must be \(processes)…8 (at least --processes), not \(threads)") }
    if !KernelConfiguration.isValidPortCount(ports) { problems.append("--ports must be a multiple of 64 from 64 to 65536, not \(ports)") }
    if let depth, depth < 0 { problems.append("--depth must not be negative") }
    for range in ranges ?? [] where range.lowerBound < 0 || range.upperBound >= ports {
      problems.append("range \(range.lowerBound)-\(range.upperBound) lies outside ports 0…\(ports - 1)")
    }
    if !(1...64).contains(jobs) { problems.append("--jobs must be 1…64, not \(jobs)") }
    if let maxStates, maxStates < 1 { problems.append("--max-states must be positive") }
    if let timeout, !(timeout > 0) { problems.append("--timeout must be a positive number of seconds") }
    if let shard, !(0..<shard.count).contains(shard.index) { problems.append("--shard \(shard) names no shard") }
    return problems
  }
}

/// One of `count` independent parts of an exploration: every shard explores the same states
/// up to ``splitDepth`` steps, then only the subtrees below the states there whose fingerprint
/// modulo `count` is its `index`. Together they cover every state (some more than once); a
/// violation any shard finds is one of the whole.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
  public var index: Int
  public var count: Int
  /// The depth at which the state space is divided.
  public var splitDepth = 3

  public init(index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  /// Parses `i/n` (0-based `i`).
  public init?(_ text: String) {
    let parts = text.split(separator: "/")
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count > 0 else { return nil }
    self.init(index: index, count: count)
  }

  public var description: String { "\(index)/\(count)" }
}
