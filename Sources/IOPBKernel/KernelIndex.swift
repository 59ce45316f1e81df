/// Lookups the kernel keeps beside its state so that no question about one bitmap scans every
/// thread or bitmap: which live threads point at each bitmap, and which bitmaps carry each
/// sequence. Derived entirely from ``Kernel/threads`` and ``Kernel/bitmaps`` (every write of
/// either passes through ``Kernel``'s stores), so it is not part of the kernel's equality.
struct KernelIndex: Sendable {
  /// Live threads whose `io_bitmap` is the key, whether or not the bitmap is still allocated.
  private(set) var holders: [BitmapID: Set<ThreadID>] = [:]
  /// Allocated bitmaps by sequence, lowest id first (several only under
  /// ``KernelDeviation/noSequenceBump``).
  private(set) var bySequence: [UInt64: [BitmapID]] = [:]

  /// The index of `threads` and `bitmaps`, built by scanning both.
  init(threads: [KernelThread] = [], bitmaps: BitmapTable = BitmapTable()) {
    for thread in threads where thread.isAlive {
      if let bitmap = thread.ioBitmap { holders[bitmap, default: []].insert(thread.id) }
    }
    for (id, bitmap) in bitmaps { bySequence[bitmap.sequence, default: []].append(id) }
    for key in bySequence.keys { bySequence[key]?.sort() }
  }

  /// `thread` pointed at `old` while alive as `wasAlive`, and now at `new` alive as `isAlive`.
  mutating func move(_ thread: ThreadID, from old: BitmapID?, wasAlive: Bool, to new: BitmapID?, isAlive: Bool) {
    if wasAlive, let old {
      holders[old]?.remove(thread)
      if holders[old]?.isEmpty == true { holders[old] = nil }
    }
    if isAlive, let new { holders[new, default: []].insert(thread) }
  }

  /// Bitmap `id` carried sequence `old` (nil: not allocated) and now carries `new`.
  mutating func resequence(_ id: BitmapID, from old: UInt64?, to new: UInt64?) {
    guard old != new else { return }
    if let old, var ids = bySequence[old] {
      ids.removeAll { $0 == id }
      bySequence[old] = ids.isEmpty ? nil : ids
    }
    if let new {
      var ids = bySequence[new] ?? []
      ids.insert(id, at: ids.firstIndex { $0 > id } ?? ids.count)
      bySequence[new] = ids
    }
  }
}
