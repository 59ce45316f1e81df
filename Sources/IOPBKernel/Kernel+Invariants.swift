extension Kernel {
  /// Broken kernel invariants (reference §10): exact reference counts, and TIF_IO_BITMAP ⇔
  /// (a bitmap or level 3) for live threads (8b68e978718f); each bitmap's `max` covers its
  /// zero bits and it has at least one.
  public func invariantViolations() -> [String] {
    var problems: [String] = []
    var references: [BitmapID: Int] = [:]
    for thread in threads where thread.isAlive {
      if let bitmap = thread.ioBitmap { references[bitmap, default: 0] += 1 }
      let expected = thread.ioBitmap != nil || thread.ioplEmulation == 3
      if thread.needsIOBitmapUpdate != expected {
        problems.append("\(thread.id): TIF_IO_BITMAP is \(thread.needsIOBitmapUpdate), expected \(expected)")
      }
      if let bitmap = thread.ioBitmap, bitmaps[bitmap] == nil {
        problems.append("\(thread.id) points at freed \(bitmap)")
      }
    }
    for (id, bitmap) in bitmaps.sorted(by: { $0.key < $1.key }) {
      if bitmap.referenceCount != references[id, default: 0] {
        problems.append("\(id): refcount \(bitmap.referenceCount), \(references[id, default: 0]) references")
      }
      guard let last = bitmap.lastWordWithZeroBit else {
        problems.append("\(id): all ports denied but still allocated")
        continue
      }
      if bitmap.maxBytes != (last + 1) * 8 {
        problems.append("\(id): max \(bitmap.maxBytes) bytes, zero bits end in word \(last)")
      }
    }
    return problems
  }
}
