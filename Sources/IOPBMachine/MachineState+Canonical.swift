import IOPBCPU
import IOPBKernel
import IOPBStrategies

/// Which renamings a canonical form may apply beyond compacting numbers.
public struct Symmetry: OptionSet, Sendable, Hashable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  /// Threads (and with them their processes) whose roles are identical are interchangeable.
  public static let threads = Symmetry(rawValue: 1 << 0)
  /// CPUs are interchangeable: every CPU of the model is alike and every step is offered on
  /// each of them, so renaming CPUs maps behaviours to behaviours.
  public static let cpus = Symmetry(rawValue: 1 << 1)

  public static let all: Symmetry = [.threads, .cpus]
}

/// A machine state in canonical form and its bytes, which determine it.
public struct CanonicalMachineState<StrategyState: CanonicalState>: Sendable {
  public var state: MachineState<StrategyState>
  public var bytes: [UInt8]
  /// How many renamings were compared to pick this one (1 without symmetry).
  public var candidates: Int

  @inlinable
  init(state: MachineState<StrategyState>, bytes: [UInt8], candidates: Int) {
    self.state = state
    self.bytes = bytes
    self.candidates = candidates
  }
}

extension MachineState {
  /// The state with every number renamed by `renumbering` (see ``Renumbering``); `strategy`
  /// renames its own state.
  @inlinable
  public func renumbered<Strategy: SwitchStrategy>(by renumbering: Renumbering, strategy: Strategy) -> Self
  where Strategy.State == StrategyState {
    // The reference kernel creates the same threads in the same order; its bitmaps and
    // sequences are its own.
    let referenceRenumbering = reference.map { reference in
      reference.renumbering(
        threadOrder: renumbering.threadOrder.filter { reference.isAlive($0) }, cpuOrder: renumbering.cpuOrder)
    }
    let referenceIsIdentity = reference.map { referenceRenumbering?.isIdentity(for: $0) ?? false } ?? true
    if referenceIsIdentity, renumbering.isIdentity(for: kernel) { return self }
    var state = self
    state.kernel = kernel.renumbered(by: renumbering)
    if let referenceRenumbering { state.reference = reference?.renumbered(by: referenceRenumbering) }
    state.strategy = strategy.renumbered(self.strategy, by: renumbering)
    state.cpus = renumbering.moved(cpus) { slot in
      CPUSlot(current: slot.current.map(renumbering.thread), inUserMode: slot.inUserMode)
    }
    state.homeCPU = renumbering.threadOrder.map { renumbering.cpu(homeCPU[$0.rawValue]) }
    return state
  }

  /// Appends every part of the state to `encoder`.
  @inlinable
  public func encode(into encoder: inout StateEncoder) where StrategyState: CanonicalState {
    kernel.encode(into: &encoder)
    encoder.encode(reference) { $1.encode(into: &$0) }
    strategy.encode(into: &encoder)
    for slot in cpus {
      encoder.encode(slot.current) { $0.encode($1.rawValue) }
      encoder.encode(slot.inUserMode)
    }
    for cpu in homeCPU { encoder.encode(cpu.rawValue) }
  }

  /// The state's canonical form: exited threads gone, every number dense and in order of
  /// first use, sequences reduced to the equalities the code can observe. With `symmetry`,
  /// the least (by bytes) of the forms reached by every ordering of interchangeable threads
  /// and CPUs, so states that differ by such a renaming get the same form.
  ///
  /// Interchangeable means equal signatures: a thread's is everything about it that names no
  /// number (``Kernel/signature(of:into:)``, whether it runs and in which mode, and, without
  /// CPU symmetry, which CPU it runs and is placed on); a CPU's is the signatures of the
  /// threads it runs and hosts. Every ordering within a group of equal signatures is tried,
  /// which makes the result depend only on the state's class.
  @inlinable
  public func canonical<Strategy: SwitchStrategy>(
    strategy: Strategy, symmetry: Symmetry = []
  ) -> CanonicalMachineState<StrategyState> where Strategy.State == StrategyState {
    let live = kernel.liveThreads
    let identityCPUs = Array(0..<cpus.count)
    guard !symmetry.isEmpty else { return form(threadOrder: live, cpuOrder: identityCPUs, strategy: strategy) }
    func running(_ thread: ThreadID) -> CPUID? { cpus.indices.first { cpus[$0].current == thread } }
    var threadSignatures: [ThreadID: [UInt8]] = [:]
    for thread in live {
      var encoder = StateEncoder()
      kernel.signature(of: thread, into: &encoder)
      if let reference, reference.isAlive(thread) { reference.signature(of: thread, into: &encoder) }
      let cpu = running(thread)
      encoder.encode(cpu != nil)
      encoder.encode(cpu.map { cpus[$0].inUserMode } ?? false)
      if !symmetry.contains(.cpus) {
        encoder.encode(cpu?.rawValue ?? -1)
        encoder.encode(homeCPU[thread.rawValue].rawValue)
      }
      threadSignatures[thread] = encoder.bytes
    }
    let threadGroups: [[ThreadID]] =
      symmetry.contains(.threads)
      ? Self.groups(live, by: { threadSignatures[$0] ?? [] })
      : live.map { [$0] }
    let cpuGroups: [[Int]]
    if symmetry.contains(.cpus) {
      let signatures = identityCPUs.map { cpu -> [UInt8] in
        var encoder = StateEncoder()
        encoder.encode(cpus[CPUID(rawValue: cpu)].current.flatMap { threadSignatures[$0] } ?? [0xFF]) { $0.encode(bytes: $1) }
        encoder.encode(cpus[CPUID(rawValue: cpu)].inUserMode)
        for signature in live.filter({ homeCPU[$0.rawValue].rawValue == cpu }).compactMap({ threadSignatures[$0] }).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
          encoder.encode(bytes: signature)
        }
        return encoder.bytes
      }
      cpuGroups = Self.groups(identityCPUs, by: { signatures[$0] })
    } else {
      cpuGroups = identityCPUs.map { [$0] }
    }
    // Orderings to compare: the product of the groups' factorials. Past a bound the state
    // keeps its creation order: sound (the form still behaves as the state), only less reduced.
    var orderingCount = 1
    for size in threadGroups.map(\.count) + cpuGroups.map(\.count) {
      for factor in 1...max(size, 1) { orderingCount = min(orderingCount * factor, Self.maximumOrderings + 1) }
    }
    guard orderingCount <= Self.maximumOrderings else {
      return form(threadOrder: live, cpuOrder: identityCPUs, strategy: strategy)
    }
    // Each has at least one ordering: the groups are never empty.
    let cpuOrders = Self.orderings(cpuGroups)
    let threadOrders = Self.orderings(threadGroups)
    var best = form(threadOrder: threadOrders[0], cpuOrder: cpuOrders[0], strategy: strategy)
    for (cpuIndex, cpuOrder) in cpuOrders.enumerated() {
      for (threadIndex, threadOrder) in threadOrders.enumerated() where cpuIndex + threadIndex > 0 {
        let candidate = form(threadOrder: threadOrder, cpuOrder: cpuOrder, strategy: strategy)
        if candidate.bytes.lexicographicallyPrecedes(best.bytes) { best = candidate }
      }
    }
    best.candidates = cpuOrders.count * threadOrders.count
    return best
  }

  /// The state renamed so that its live threads and CPUs come in the given orders, encoded.
  @inlinable
  func form<Strategy: SwitchStrategy>(
    threadOrder: [ThreadID], cpuOrder: [Int], strategy: Strategy
  ) -> CanonicalMachineState<StrategyState> where Strategy.State == StrategyState {
    let renumbered = renumbered(by: kernel.renumbering(threadOrder: threadOrder, cpuOrder: cpuOrder), strategy: strategy)
    var encoder = StateEncoder()
    renumbered.encode(into: &encoder)
    return CanonicalMachineState(state: renumbered, bytes: encoder.bytes, candidates: 1)
  }

  /// The most orderings of interchangeable threads and CPUs one canonical form compares (5!).
  @usableFromInline static var maximumOrderings: Int { 120 }

  /// `items` sorted by `key` (stably) and cut where the key changes.
  @inlinable
  static func groups<Item>(_ items: [Item], by key: (Item) -> [UInt8]) -> [[Item]] {
    let keys = items.map(key)
    let order = items.indices.sorted { lhs, rhs in
      keys[lhs] == keys[rhs] ? lhs < rhs : keys[lhs].lexicographicallyPrecedes(keys[rhs])
    }
    var groups: [[Item]] = []
    var previous: Int?
    for index in order {
      if let previous, keys[previous] == keys[index] {
        groups[groups.count - 1].append(items[index])
      } else {
        groups.append([items[index]])
      }
      previous = index
    }
    return groups
  }

  /// Every concatenation of one permutation of each group, groups in order.
  @inlinable
  static func orderings<Item>(_ groups: [[Item]]) -> [[Item]] {
    var orderings: [[Item]] = [[]]
    for group in groups {
      if group.count == 1 {
        for index in orderings.indices { orderings[index].append(group[0]) }
        continue
      }
      let permutations = Self.permutations(group)
      var extended: [[Item]] = []
      extended.reserveCapacity(orderings.count * permutations.count)
      for prefix in orderings {
        for permutation in permutations { extended.append(prefix + permutation) }
      }
      orderings = extended
    }
    return orderings
  }

  @inlinable
  static func permutations<Item>(_ items: [Item]) -> [[Item]] {
    guard items.count > 1 else { return [items] }
    return items.indices.flatMap { index in
      var rest = items
      let first = rest.remove(at: index)
      return permutations(rest).map { [first] + $0 }
    }
  }
}
