extension Kernel {
  /// Broken kernel invariants (reference §10): exact reference counts, and TIF_IO_BITMAP ⇔
  /// (a bitmap or level 3) for live threads (8b68e978718f); each bitmap's `max` covers its
  /// zero bits and it has at least one. Threads first, then bitmaps by id.
  public func invariantViolations() -> [KernelInvariantViolation] {
    var problems: [KernelInvariantViolation] = []
    var references: [BitmapID: Int] = [:]
    for thread in threads where thread.isAlive {
      if let bitmap = thread.ioBitmap { references[bitmap, default: 0] += 1 }
      let expected = thread.ioBitmap != nil || thread.ioplEmulation == 3
      if thread.needsIOBitmapUpdate != expected {
        problems.append(.ioBitmapFlag(thread.id, isSet: thread.needsIOBitmapUpdate))
      }
      if let bitmap = thread.ioBitmap, bitmaps[bitmap] == nil {
        problems.append(.freedBitmapReferenced(thread.id, bitmap))
      }
    }
    for (id, bitmap) in bitmaps.sorted(by: { $0.key < $1.key }) {
      if bitmap.referenceCount != references[id, default: 0] {
        problems.append(.referenceCount(id, count: bitmap.referenceCount, references: references[id, default: 0]))
      }
      guard let last = bitmap.lastWordWithZeroBit else {
        problems.append(.allPortsDenied(id))
        continue
      }
      if bitmap.maxBytes != (last + 1) * 8 {
        problems.append(.extent(id, maxBytes: bitmap.maxBytes, lastWordWithZeroBit: last))
      }
    }
    return problems
  }
}
