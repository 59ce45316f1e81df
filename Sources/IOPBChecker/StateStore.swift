#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The states a search has visited, numbered in the order they were first inserted.
///
/// ``Storage/exact`` keeps every state's bytes in one arena with an open-addressing index, so
/// two states are the same only when all their bytes are. ``Storage/fingerprint`` keeps a
/// 64-bit hash of each (hash compaction, as SPIN's `-DHC` and TLC's fingerprints): eight
/// bytes a state, at the price of a small probability that two states share a fingerprint
/// and the second is never explored (``omissionProbability``).
public struct StateStore: Sendable {
  /// How visited states are kept.
  public enum Storage: String, Sendable, Hashable, CaseIterable {
    case exact, fingerprint
  }

  public let storage: Storage
  private var arena: [UInt8] = []
  private var ends: [Int] = []
  private var fingerprints: [UInt64] = []
  /// Slots hold a state's number plus one; 0 is empty.
  private var slots: [Int32]
  private var mask: Int

  public init(storage: Storage) {
    self.storage = storage
    slots = [Int32](repeating: 0, count: 1 << 12)
    mask = (1 << 12) - 1
  }

  /// Number of states stored.
  public var count: Int { fingerprints.count }

  /// Bytes the store holds (arena, fingerprints, index), for the memory bound and report.
  public var bytesUsed: Int { arena.capacity + ends.capacity * 8 + fingerprints.capacity * 8 + slots.count * 4 }

  /// Inserts `bytes` unless an equal state is stored; returns its number and whether it is new.
  public mutating func insert(_ bytes: [UInt8]) -> (index: Int, inserted: Bool) {
    let fingerprint = StateHash.hash(bytes)
    var slot = Int(truncatingIfNeeded: fingerprint) & mask
    while slots[slot] != 0 {
      let index = Int(slots[slot]) - 1
      if fingerprints[index] == fingerprint, storage == .fingerprint || matches(bytes, at: index) {
        return (index, false)
      }
      slot = (slot + 1) & mask
    }
    let index = fingerprints.count
    slots[slot] = Int32(index + 1)
    fingerprints.append(fingerprint)
    if storage == .exact {
      arena.append(contentsOf: bytes)
      ends.append(arena.count)
    }
    if fingerprints.count * 2 > slots.count { grow() }
    return (index, true)
  }

  /// True when state `index` is the state whose bytes are `bytes` (by fingerprint alone in
  /// ``Storage/fingerprint`` mode).
  public func holds(_ bytes: [UInt8], at index: Int) -> Bool {
    guard fingerprints.indices.contains(index), fingerprints[index] == StateHash.hash(bytes) else { return false }
    return storage == .fingerprint || matches(bytes, at: index)
  }

  /// The probability that hash compaction merged two of the ``count`` states: at most
  /// n(n−1)/2 pairs, each colliding with probability 2⁻⁶⁴. Zero for exact storage.
  public var omissionProbability: Double {
    guard storage == .fingerprint else { return 0 }
    let n = Double(count)
    return min(1, n * (n - 1) / 2 / 18_446_744_073_709_551_616.0)
  }

  private func matches(_ bytes: [UInt8], at index: Int) -> Bool {
    let start = index == 0 ? 0 : ends[index - 1]
    let end = ends[index]
    guard end - start == bytes.count else { return false }
    return arena.withUnsafeBytes { stored in
      bytes.withUnsafeBytes { candidate in
        guard let storedBase = stored.baseAddress, let candidateBase = candidate.baseAddress else { return bytes.isEmpty }
        return memcmp(storedBase + start, candidateBase, bytes.count) == 0
      }
    }
  }

  private mutating func grow() {
    let size = slots.count * 2
    slots = [Int32](repeating: 0, count: size)
    mask = size - 1
    for (index, fingerprint) in fingerprints.enumerated() {
      var slot = Int(truncatingIfNeeded: fingerprint) & mask
      while slots[slot] != 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(index + 1)
    }
  }
}
