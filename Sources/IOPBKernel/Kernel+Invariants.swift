extension Kernel {
  /// Broken kernel invariants (reference §10): exact reference counts, and TIF_IO_BITMAP ⇔
  /// (a bitmap or level 3) for live user threads (8b68e978718f); each bitmap's `max` covers its
  /// zero bits and it has at least one. Threads first, then bitmaps by id.
  ///
  /// An I/O worker keeps only TIF_IO_BITMAP ⇒ (a bitmap or level 3), 8b68e978718f's "A task
  /// should not have TIF_IO_BITMAP set and neither a bitmap installed nor IOPL emulation level 3
  /// activated": `copy_thread()` clears its flag but it inherits the level, and never returning
  /// to user mode it never needs the flag.
  public func invariantViolations() -> [KernelInvariantViolation] {
    var problems: [KernelInvariantViolation] = []
    var references: [BitmapID: Int] = [:]
    for thread in threads where thread.isAlive {
      if let bitmap = thread.ioBitmap { references[bitmap, default: 0] += 1 }
      let expected = thread.ioBitmap != nil || thread.ioplEmulation == 3
      if thread.needsIOBitmapUpdate != expected, !thread.isIOWorker || thread.needsIOBitmapUpdate {
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
