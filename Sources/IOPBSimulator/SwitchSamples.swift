import IOPBCPU
import IOPBCost
import IOPBKernel

/// Each CPU's open switch sample (the operations from one context switch on that CPU to the
/// next) and its pricing, as the simulator (``SimulationEngine``) and the replay
/// (``ReplayEngine``) both time a switch. The copies a sample makes read the incoming
/// thread's bitmap where the ``CacheModel`` says it sits when the sample opens; closing it runs
/// the CPU's caches for the time the thread ran and prices the operations with the profile
/// (``CycleProfile/cycles(for:copiesFrom:)``).
struct SwitchSamples {
  /// One CPU's open sample.
  private struct Slot {
    var counts = OperationCounts()
    var isOpen = false
    /// When it opened (µs), and the bytes per microsecond its thread touches (0 for idle).
    var start = 0
    var touchRate = 0
    /// The running thread's bitmap when it opened, and where a copy from it reads.
    var bitmap: BitmapID?
    var residency: CopyResidency = .l1
  }

  private var slots: PerCPU<Slot>
  /// What each CPU's caches still hold.
  private(set) var cache: CacheModel
  private let profile: CycleProfile
  /// The profile's figures, read out once: a sample is priced by a sum of products.
  private let prices: CyclePrices
  /// The operations of every closed sample.
  private(set) var closedCounts = OperationCounts()
  /// Bytes the closed samples copied, by where the profile priced their source.
  var copyBytesByResidency: [CopyResidency: Int] {
    var bytes: [CopyResidency: Int] = [:]
    let counted = [(CopyResidency.l1, copiedBytes.0), (.l2, copiedBytes.1), (.cold, copiedBytes.2)]
    for (residency, count) in counted where count > 0 { bytes[residency] = count }
    return bytes
  }
  /// ``copyBytesByResidency`` counted without hashing at every switch: L1, L2, cold.
  private var copiedBytes = (0, 0, 0)

  init(cpuCount: Int, profile: CycleProfile) {
    slots = PerCPU(repeating: Slot(), count: cpuCount)
    cache = CacheModel(cpuCount: cpuCount, profile: profile)
    self.profile = profile
    prices = CyclePrices(profile)
  }

  /// CPUs with an open sample.
  var openCount: Int { slots.count { $0.isOpen } }

  /// Opens a sample on `cpu` at `now` for a thread touching `touchRate` bytes per microsecond
  /// whose bitmap is `bitmap` (nil: none yet, and a copy made from the bitmap its own
  /// `ioperm` writes in this sample reads from L1), closing the one open there first; returns
  /// that one's cycles.
  mutating func open(on cpu: CPUID, at now: Int, touchRate: Int, bitmap: BitmapID?) -> Double? {
    let closed = close(on: cpu, at: now)
    slots[cpu] = Slot(
      isOpen: true, start: now, touchRate: touchRate, bitmap: bitmap,
      residency: bitmap.map { cache.copyResidency(from: $0, on: cpu) } ?? .l1)
    return closed
  }

  /// Adds `counts` to `cpu`'s open sample, if it has one.
  mutating func add(_ counts: OperationCounts, on cpu: CPUID) {
    if slots[cpu].isOpen { slots[cpu].counts.add(counts) }
  }

  /// Adds `now - before` to `cpu`'s open sample, if it has one.
  mutating func add(_ now: OperationCounts, since before: OperationCounts, on cpu: CPUID) {
    if slots[cpu].isOpen { slots[cpu].counts.accumulate(now, since: before) }
  }

  /// The copies of `cpu`'s open sample touched its bitmap and the TSS map.
  mutating func touchCopies(on cpu: CPUID) {
    guard slots[cpu].isOpen, slots[cpu].counts.bytesCopied > 0 else { return }
    let bytes = slots[cpu].counts.bytesCopied
    if let bitmap = slots[cpu].bitmap { cache.touch(.bitmap(bitmap), bytes: bytes, on: cpu) }
    cache.touch(.tssMap, bytes: bytes, on: cpu)
  }

  /// `cpu` touched `place` (`bytes` of it) outside a switch: a system call's bitmap or copy.
  mutating func touch(_ place: CacheModel.Place, bytes: Int, on cpu: CPUID) {
    cache.touch(place, bytes: bytes, on: cpu)
  }

  /// Closes `cpu`'s open sample at `now` and returns its cycles; nil when none was open.
  mutating func close(on cpu: CPUID, at now: Int) -> Double? {
    guard slots[cpu].isOpen else { return nil }
    slots[cpu].isOpen = false
    cache.run(microseconds: now - slots[cpu].start, touching: slots[cpu].touchRate, on: cpu)
    let counts = slots[cpu].counts
    let cycles = prices.cycles(for: counts, copiesFrom: slots[cpu].residency)
    closedCounts.add(counts)
    if counts.bytesCopied > 0 {
      switch profile.pricedResidency(slots[cpu].residency) {
      case .l1: copiedBytes.0 += counts.bytesCopied
      case .l2: copiedBytes.1 += counts.bytesCopied
      case .cold: copiedBytes.2 += counts.bytesCopied
      }
    }
    return cycles
  }

  /// Renames the bitmaps the caches and the open samples name, as `renumbering` renames a
  /// machine's (a replay that dropped exited threads).
  mutating func renameBitmaps(by renumbering: Renumbering) {
    cache.renameBitmaps(by: renumbering)
    for cpu in slots.indices { slots[cpu].bitmap = slots[cpu].bitmap.map(renumbering.bitmap) }
  }
}
