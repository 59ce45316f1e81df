/// A consistent renaming of everything a machine state names by number: threads, processes,
/// bitmaps, `io_bitmap_sequence` values and CPUs. A checker applies one to reach a canonical
/// form, in which states that differ only in numbering are equal.
///
/// Live entities get dense numbers from 0 (sequences from 1; 0, the boot value of
/// `prev_sequence`, stays 0). A number that names nothing live any more (an exited thread, a
/// freed bitmap, the sequence of a bitmap that has changed since) maps to one "gone" value:
/// the code only ever compares these numbers for equality, and no live or future entity can
/// equal a gone one, since the kernel hands out fresh numbers above every dense one.
public struct Renumbering: Sendable, Hashable {
  /// What a thread, process or bitmap that is no longer live is renamed to.
  public static let goneID = -1
  /// What a sequence that no live bitmap carries is renamed to.
  public static let goneSequence = UInt64.max

  /// Old thread numbers in their new order: new thread `i` was `threadOrder[i]`.
  public let threadOrder: [ThreadID]
  /// New CPU `i` was CPU `cpuOrder[i]` (raw CPU numbers: this module knows no CPU type).
  public let cpuOrder: [Int]
  // Old number → new number, by index: the numbers a step leaves are few and small. Sequences
  // are few too, so they are searched linearly.
  private var threadMap: [Int] = []
  private var processMap: [Int] = []
  private var bitmapMap: [Int] = []
  private var sequences: [UInt64] = []
  private let cpuMap: [Int]
  /// The bitmaps with dense numbers, in the order of those numbers.
  public private(set) var bitmapOrder: [BitmapID] = []
  /// How many processes and bitmaps got dense numbers; the next fresh number of each.
  public private(set) var processCount = 0
  public private(set) var bitmapCount = 0
  /// The largest dense sequence; the renamed kernel's `io_bitmap_sequence` counter.
  public private(set) var sequenceCount: UInt64 = 0

  /// A renumbering that keeps `threads` (in that order), assigns processes, bitmaps and
  /// sequences as ``assign(process:)``, ``assign(bitmap:)`` and ``assign(sequence:)`` are
  /// called, and moves CPUs as `cpuOrder` says.
  public init(threads: [ThreadID], cpuOrder: [Int]) {
    threadOrder = threads
    self.cpuOrder = cpuOrder
    for (new, old) in threads.enumerated() { Self.set(&threadMap, old.rawValue, new) }
    var cpuMap = [Int](repeating: 0, count: cpuOrder.count)
    for (new, old) in cpuOrder.enumerated() { cpuMap[old] = new }
    self.cpuMap = cpuMap
  }

  /// Gives `process` the next dense number unless it has one.
  public mutating func assign(process: ProcessID) {
    if Self.lookup(processMap, process.rawValue) == nil {
      Self.set(&processMap, process.rawValue, processCount)
      processCount += 1
    }
  }

  /// Gives `bitmap` the next dense number unless it has one.
  public mutating func assign(bitmap: BitmapID) {
    if Self.lookup(bitmapMap, bitmap.rawValue) == nil {
      Self.set(&bitmapMap, bitmap.rawValue, bitmapCount)
      bitmapOrder.append(bitmap)
      bitmapCount += 1
    }
  }

  /// Gives `sequence` the next dense number unless it has one (0 keeps 0).
  public mutating func assign(sequence: UInt64) {
    if sequence != 0, !sequences.contains(sequence) {
      sequences.append(sequence)
      sequenceCount += 1
    }
  }

  public func thread(_ id: ThreadID) -> ThreadID { ThreadID(rawValue: Self.lookup(threadMap, id.rawValue) ?? Self.goneID) }
  public func process(_ id: ProcessID) -> ProcessID { ProcessID(rawValue: Self.lookup(processMap, id.rawValue) ?? Self.goneID) }
  public func bitmap(_ id: BitmapID) -> BitmapID { BitmapID(rawValue: Self.lookup(bitmapMap, id.rawValue) ?? Self.goneID) }
  public func sequence(_ value: UInt64) -> UInt64 {
    if value == 0 { return 0 }
    guard let index = sequences.firstIndex(of: value) else { return Self.goneSequence }
    return UInt64(index + 1)
  }

  private static func lookup(_ map: [Int], _ old: Int) -> Int? {
    guard map.indices.contains(old), map[old] >= 0 else { return nil }
    return map[old]
  }

  private static func set(_ map: inout [Int], _ old: Int, _ new: Int) {
    guard old >= 0 else { return }
    if old >= map.count { map += [Int](repeating: -1, count: old - map.count + 1) }
    map[old] = new
  }
  /// The new number of CPU `old`.
  public func cpu(_ old: Int) -> Int { cpuMap.indices.contains(old) ? cpuMap[old] : old }
  /// True when nothing gets a new number in `kernel` (whose renumbering this is): threads
  /// are all live and listed in order, processes, bitmaps and sequences already dense, and the
  /// allocators right after them. A state's parts then need no renaming: a number held
  /// anywhere that is not live would have made some allocator run ahead of its dense count.
  public func isIdentity(for kernel: Kernel) -> Bool {
    guard keepsCPUs, threadOrder.count == kernel.threads.count,
      threadOrder.enumerated().allSatisfy({ $0.offset == $0.element.rawValue && kernel.threads[$0.offset].isAlive }),
      processMap.enumerated().allSatisfy({ $0.offset == $0.element }), processMap.count == processCount,
      bitmapMap.enumerated().allSatisfy({ $0.offset == $0.element }), bitmapMap.count == bitmapCount,
      sequences.enumerated().allSatisfy({ UInt64($0.offset + 1) == $0.element })
    else { return false }
    return kernel.nextProcess == processCount && kernel.nextBitmap == bitmapCount
      && kernel.sequenceCounter == sequenceCount
  }

  /// True when the CPUs keep their numbers.
  public var keepsCPUs: Bool { cpuOrder.elementsEqual(cpuOrder.indices) }
}
