import IOPBCPU
import IOPBCost
import IOPBKernel

/// Where a bitmap copy's source and destination still sit in a CPU's caches, judged the way an
/// LRU cache would: data the CPU touched fewer than ``l1Bytes`` bytes ago is in L1, fewer than
/// ``l2Bytes`` in L2, otherwise (or never touched on this CPU) in L3 or memory, `cold`.
///
/// The engine counts what each CPU touches: the bytes a thread's program touches per
/// microsecond of running (``Program/touchBytesPerMicrosecond``) and the bytes each copy reads
/// and writes. This is an inference from the workload, not a cache simulation: no set
/// associativity, no prefetch, no sharing between CPUs.
public struct CacheModel: Sendable, Hashable {
  /// What a copy reads or writes on one CPU.
  public enum Place: Sendable, Hashable {
    /// A thread's bitmap, the copy's source.
    case bitmap(BitmapID)
    /// The CPU's TSS map, the copy's destination.
    case tssMap
  }

  public let l1Bytes: Int
  public let l2Bytes: Int
  /// Bytes each CPU has touched since boot.
  public private(set) var touched: PerCPU<Int>
  private var lastTouch: PerCPU<Touches>

  /// When one CPU last touched each place, in its ``touched`` bytes: an array lookup per
  /// bitmap, since a residency is asked at every switch.
  private struct Touches: Sendable, Hashable {
    var tssMap: Int?
    var bitmaps = IDTable<BitmapID, Int>()

    subscript(place: Place) -> Int? {
      get {
        switch place {
        case .tssMap: tssMap
        case .bitmap(let id): bitmaps[id]
        }
      }
      set {
        switch place {
        case .tssMap: tssMap = newValue
        case .bitmap(let id):
          if let newValue { bitmaps.updateValue(newValue, forKey: id) } else { bitmaps.removeValue(forKey: id) }
        }
      }
    }
  }

  public init(cpuCount: Int, l1Bytes: Int, l2Bytes: Int) {
    self.l1Bytes = l1Bytes
    self.l2Bytes = l2Bytes
    touched = PerCPU(repeating: 0, count: cpuCount)
    lastTouch = PerCPU(repeating: Touches(), count: cpuCount)
  }

  /// The sizes `profile` gives (`cache.l1_bytes`, `cache.l2_bytes`).
  public init(cpuCount: Int, profile: CycleProfile) {
    self.init(cpuCount: cpuCount, l1Bytes: Int(profile[.cacheL1Bytes]), l2Bytes: Int(profile[.cacheL2Bytes]))
  }

  /// `cpu` touched `bytes` more of other data. More than ``l2Bytes`` counts as `l2Bytes + 1`:
  /// either way everything touched before is cold, and the count cannot overflow however long
  /// the run.
  public mutating func run(_ bytes: Int, on cpu: CPUID) {
    touched[cpu] += min(max(0, bytes), l2Bytes + 1)
  }

  /// `cpu` ran for `microseconds` touching `rate` bytes per microsecond: ``run(_:on:)`` of
  /// their product, saturated instead of overflowing (a trace's timestamps and `--touch-rate`
  /// can make it larger than `Int.max`).
  public mutating func run(microseconds: Int, touching rate: Int, on cpu: CPUID) {
    let (bytes, overflow) = max(0, microseconds).multipliedReportingOverflow(by: max(0, rate))
    run(overflow ? .max : bytes, on: cpu)
  }

  /// `cpu` touched `place` (all `bytes` of it) just now.
  public mutating func touch(_ place: Place, bytes: Int, on cpu: CPUID) {
    touched[cpu] += max(0, bytes)
    lastTouch[cpu][place] = touched[cpu]
  }

  /// The model with every bitmap renamed as `renumbering` renames a machine's (a replay that
  /// dropped exited threads), forgetting the bitmaps it frees.
  public mutating func renameBitmaps(by renumbering: Renumbering) {
    lastTouch = PerCPU(
      lastTouch.map { touches in
        Touches(tssMap: touches.tssMap, bitmaps: touches.bitmaps.renamed(by: renumbering.bitmap))
      })
  }

  /// Where `place` sits in `cpu`'s caches now.
  public func residency(of place: Place, on cpu: CPUID) -> CopyResidency {
    guard let last = lastTouch[cpu][place] else { return .cold }
    let since = touched[cpu] - last
    if since < l1Bytes { return .l1 }
    if since < l2Bytes { return .l2 }
    return .cold
  }

  /// The residency a copy from `bitmap` into `cpu`'s TSS map pays: the colder of its source
  /// and its destination.
  public func copyResidency(from bitmap: BitmapID, on cpu: CPUID) -> CopyResidency {
    max(residency(of: .bitmap(bitmap), on: cpu), residency(of: .tssMap, on: cpu))
  }
}
