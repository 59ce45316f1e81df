extension Kernel {
  /// Live threads in creation order.
  public var liveThreads: [ThreadID] { threads.compactMap { $0.isAlive ? $0.id : nil } }

  /// The renumbering that lists the live threads as `order` (each exactly once) and CPUs as
  /// `cpuOrder`: processes and bitmaps numbered by first use in that thread order (bitmaps no
  /// thread points at, which only a defect leaves, after them in allocation order), sequences
  /// by the bitmaps that carry them.
  public func renumbering(threadOrder order: [ThreadID], cpuOrder: [Int]) -> Renumbering {
    var renumbering = Renumbering(threads: order, cpuOrder: cpuOrder)
    for id in order {
      renumbering.assign(process: self[id].process)
      if let bitmap = self[id].ioBitmap, bitmaps.contains(bitmap) { renumbering.assign(bitmap: bitmap) }
    }
    for id in bitmaps.keys { renumbering.assign(bitmap: id) }
    for id in renumbering.bitmapOrder {
      if let sequence = bitmaps[id]?.sequence { renumbering.assign(sequence: sequence) }
    }
    return renumbering
  }

  /// The kernel with every number renamed by `renumbering`: threads it does not list (exited
  /// ones) are gone, the bitmap and process allocators continue after the dense numbers, and
  /// the sequence counter after the dense sequences. Behaves as `self` does, up to the names.
  public func renumbered(by renumbering: Renumbering) -> Kernel {
    var kernel = Kernel(configuration: configuration)
    kernel.threads = renumbering.threadOrder.map { old in
      var thread = self[old]
      thread.id = renumbering.thread(old)
      thread.process = renumbering.process(thread.process)
      thread.ioBitmap = thread.ioBitmap.map(renumbering.bitmap)
      return thread
    }
    kernel.bitmaps = bitmaps.renamed(by: renumbering.bitmap) { bitmap in
      var renamed = bitmap
      renamed.sequence = renumbering.sequence(bitmap.sequence)
      return renamed
    }
    kernel.sequenceCounter = renumbering.sequenceCount
    kernel.pendingAllocationFailures = pendingAllocationFailures
    kernel.nextBitmap = renumbering.bitmapCount
    kernel.nextProcess = renumbering.processCount
    kernel.reindex()
    return kernel
  }

  /// What distinguishes `thread` from the others without naming anything by number: its
  /// credentials, level, flag, bitmap contents and sharing, and how many live threads its
  /// process has. Threads with equal signatures may play identical roles (symmetry).
  public func signature(of thread: ThreadID, into encoder: inout StateEncoder) {
    let state = self[thread]
    encode(state, into: &encoder, naming: false)
    encoder.encode(threads.lazy.filter { $0.isAlive && $0.process == state.process }.count)
  }

  /// Appends the kernel's state (not its configuration, which is constant) to `encoder`.
  public func encode(into encoder: inout StateEncoder) {
    encoder.encode(threads.count)
    for thread in threads { encode(thread, into: &encoder, naming: true) }
    bitmaps.encode(into: &encoder) { bitmap, encoder in
      encoder.encode(bitmap.sequence)
      Self.encodeContents(of: bitmap, into: &encoder)
    }
    encoder.encode(sequenceCounter)
    encoder.encode(pendingAllocationFailures)
  }

  /// One thread: with `naming`, the numbers of its process and bitmap (whose contents are in
  /// the bitmap table); without, the bitmap's contents instead (for signatures).
  private func encode(_ thread: KernelThread, into encoder: inout StateEncoder, naming: Bool) {
    if naming { encoder.encode(thread.process.rawValue) }
    encoder.encode(UInt64(thread.credentials.uid))
    encoder.encode(thread.credentials.capabilities.rawValue)
    encoder.encode(thread.ioplEmulation)
    encoder.encode(thread.needsIOBitmapUpdate)
    encoder.encode(thread.isAlive)
    encoder.encode(thread.isIOWorker)
    encoder.encode(thread.ioBitmap) { encoder, id in
      if naming {
        encoder.encode(id.rawValue)
      } else if let bitmap = bitmaps[id] {
        Self.encodeContents(of: bitmap, into: &encoder)
      }
    }
  }

  private static func encodeContents(of bitmap: IOBitmap, into encoder: inout StateEncoder) {
    encoder.encode(bitmap.referenceCount)
    encoder.encode(bitmap.maxBytes)
    // Complemented: a denied word is all ones, which as a varint would take ten bytes.
    for word in bitmap.words { encoder.encode(~word) }
  }
}
