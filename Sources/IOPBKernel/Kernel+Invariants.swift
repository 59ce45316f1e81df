extension Kernel {
  /// Broken kernel invariants (reference §10): exact reference counts, and TIF_IO_BITMAP ⇔
  /// (a bitmap or level 3) for live user threads (8b68e978718f); each bitmap's `max` covers its
  /// zero bits and it has at least one. Threads first, then bitmaps by id.
  ///
  /// An I/O worker keeps only TIF_IO_BITMAP ⇒ (a bitmap or level 3), 8b68e978718f's "A task
  /// should not have TIF_IO_BITMAP set and neither a bitmap installed nor IOPL emulation level 3
  /// activated": `copy_thread()` clears its flag but it inherits the level, and never returning
  /// to user mode it never needs the flag.
  ///
  /// Scans every thread and bitmap, counting references itself (it trusts no index): the check
  /// a model checker runs at every state.
  public func invariantViolations() -> [KernelInvariantViolation] {
    var problems: [KernelInvariantViolation] = []
    var references: [BitmapID: Int] = [:]
    for thread in threads where thread.isAlive {
      if let bitmap = thread.ioBitmap { references[bitmap, default: 0] += 1 }
      problems += violations(of: thread)
    }
    for (id, bitmap) in bitmaps {
      problems += violations(of: bitmap, id: id, references: references[id, default: 0])
    }
    return problems
  }

  /// The violations of ``invariantViolations()`` that `changes` could have caused, in the same
  /// order: those of the threads written, of the live threads still pointing at a freed bitmap
  /// written, and of the bitmaps written, with references counted by the index. Work in
  /// proportion to the changes, not to the threads and bitmaps that exist; the full check when
  /// the journal says ``KernelChanges/isEverything``.
  public func invariantViolations(in changes: KernelChanges) -> [KernelInvariantViolation] {
    guard !changes.isEverything else { return invariantViolations() }
    var threadIDs = Set(changes.threads)
    let bitmapIDs = Set(changes.bitmaps)
    for id in bitmapIDs where bitmaps[id] == nil { threadIDs.formUnion(holders(of: id)) }
    var problems: [KernelInvariantViolation] = []
    for id in threadIDs.sorted() where isAlive(id) { problems += violations(of: self[id]) }
    for id in bitmapIDs.sorted() {
      guard let bitmap = bitmaps[id] else { continue }
      problems += violations(of: bitmap, id: id, references: holders(of: id).count)
    }
    return problems
  }

  /// The flag rule and the freed-bitmap rule for one live thread.
  private func violations(of thread: KernelThread) -> [KernelInvariantViolation] {
    var problems: [KernelInvariantViolation] = []
    let expected = thread.ioBitmap != nil || thread.ioplEmulation == 3
    if thread.needsIOBitmapUpdate != expected, !thread.isIOWorker || thread.needsIOBitmapUpdate {
      problems.append(.ioBitmapFlag(thread.id, isSet: thread.needsIOBitmapUpdate))
    }
    if let bitmap = thread.ioBitmap, bitmaps[bitmap] == nil {
      problems.append(.freedBitmapReferenced(thread.id, bitmap))
    }
    return problems
  }

  /// The reference count, at least one allowed port and the extent of allocated bitmap `id`,
  /// which `references` live threads point at.
  private func violations(of bitmap: IOBitmap, id: BitmapID, references: Int) -> [KernelInvariantViolation] {
    var problems: [KernelInvariantViolation] = []
    if bitmap.referenceCount != references {
      problems.append(.referenceCount(id, count: bitmap.referenceCount, references: references))
    }
    guard let last = bitmap.lastWordWithZeroBit else {
      problems.append(.allPortsDenied(id))
      return problems
    }
    if bitmap.maxBytes != (last + 1) * 8 {
      problems.append(.extent(id, maxBytes: bitmap.maxBytes, lastWordWithZeroBit: last))
    }
    return problems
  }
}
