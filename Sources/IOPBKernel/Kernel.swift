/// The kernel state behind `ioperm(2)` and `iopl(2)` on Linux 5.5 and later: threads, their
/// shared bitmaps, and the global bitmap sequence counter.
///
/// A value: copying a kernel copies every thread and bitmap (the bitmaps' storage is shared
/// copy-on-write by Swift arrays). Methods that act "as current" take the calling thread; the
/// caller (the machine) guarantees it is alive. Nothing here touches a TSS: each call reports
/// whether the caller's I/O permissions changed, and the switch strategy reacts.
///
/// Every write of a thread goes through ``subscript(_:)`` or ``append(_:)`` and every write of
/// a bitmap through ``store(_:at:rewritten:)``: they keep the ``KernelIndex`` (holders of each
/// bitmap, bitmaps by sequence) and the ``changes`` journal. Neither is part of the state:
/// equality and hashing leave them out.
public struct Kernel: Sendable, Hashable {
  public let configuration: KernelConfiguration
  /// Every thread ever created, indexed by ``ThreadID/rawValue``.
  public internal(set) var threads: [KernelThread] = []
  /// Live bitmaps by allocation.
  public internal(set) var bitmaps = BitmapTable()
  /// What changed since ``takeChanges()``; not state.
  public private(set) var changes = KernelChanges()
  /// Bitmaps freed since ``takeFreedBitmaps()``, in order; not state.
  private var freed: [BitmapID] = []
  var index = KernelIndex()
  /// `io_bitmap_sequence`: the last sequence number handed out; the first is 1.
  public internal(set) var sequenceCounter: UInt64 = 0
  /// How many of the next allocations fail (`kmalloc`, `kmemdup`, fork's `copy_process`).
  public var pendingAllocationFailures = 0
  var nextBitmap = 0
  var nextProcess = 0

  public init(configuration: KernelConfiguration = KernelConfiguration()) {
    self.configuration = configuration
  }

  @inlinable
  public var portCount: Int { configuration.portCount }

  /// The thread `id`. The id must have been returned by this kernel.
  public subscript(id: ThreadID) -> KernelThread {
    @inlinable _read { yield threads[id.rawValue] }
    _modify {
      let before = threads[id.rawValue]
      defer { noteWrite(of: id, before: before) }
      yield &threads[id.rawValue]
    }
  }

  /// Journals a write of thread `id` and moves it between the holders of its old and new
  /// bitmap when its pointer or liveness changed.
  private mutating func noteWrite(of id: ThreadID, before: KernelThread) {
    let after = threads[id.rawValue]
    changes.note(id)
    guard before.ioBitmap != after.ioBitmap || before.isAlive != after.isAlive else { return }
    index.move(id, from: before.ioBitmap, wasAlive: before.isAlive, to: after.ioBitmap, isAlive: after.isAlive)
    if let old = before.ioBitmap { changes.note(old, rewritten: false) }
    if let new = after.ioBitmap { changes.note(new, rewritten: false) }
  }

  /// Adds `thread`, whose id must be the next one.
  mutating func append(_ thread: KernelThread) {
    threads.append(thread)
    changes.note(thread.id)
    index.move(thread.id, from: nil, wasAlive: false, to: thread.ioBitmap, isAlive: thread.isAlive)
    if let bitmap = thread.ioBitmap { changes.note(bitmap, rewritten: false) }
  }

  /// Writes bitmap `id` (nil frees it). `rewritten` when its bits, `max` or sequence may have
  /// changed; allocating and freeing always count as that.
  mutating func store(_ bitmap: IOBitmap?, at id: BitmapID, rewritten: Bool) {
    let old = if let bitmap { bitmaps.updateValue(bitmap, forKey: id) } else { bitmaps.removeValue(forKey: id) }
    index.resequence(id, from: old?.sequence, to: bitmap?.sequence)
    if old != nil, bitmap == nil { freed.append(id) }
    changes.note(id, rewritten: rewritten || old == nil || bitmap == nil)
  }

  /// The changes since the last call, clearing the journal.
  public mutating func takeChanges() -> KernelChanges {
    defer { changes = KernelChanges() }
    return changes
  }

  /// Bitmaps freed since the last call, in order, clearing the list.
  public mutating func takeFreedBitmaps() -> [BitmapID] {
    defer { freed = [] }
    return freed
  }

  /// Bitmaps allocated so far: every ``BitmapID`` below this count was handed out.
  public var allocatedBitmaps: Int { nextBitmap }

  /// The live threads pointing at `bitmap`, from the index (no scan).
  public func holders(of bitmap: BitmapID) -> Set<ThreadID> { index.holders[bitmap] ?? [] }

  /// The allocated bitmap with `sequence`, the lowest id should several carry it; no scan.
  public func bitmap(withSequence sequence: UInt64) -> BitmapID? { index.bySequence[sequence]?.first }

  /// Recomputes the index from the threads and bitmaps and marks everything changed: for a
  /// kernel whose threads and bitmaps were set wholesale.
  mutating func reindex() {
    index = KernelIndex(threads: threads, bitmaps: bitmaps)
    changes = .everything
    freed = []
  }

  public static func == (lhs: Kernel, rhs: Kernel) -> Bool {
    lhs.configuration == rhs.configuration && lhs.sequenceCounter == rhs.sequenceCounter
      && lhs.pendingAllocationFailures == rhs.pendingAllocationFailures && lhs.nextBitmap == rhs.nextBitmap
      && lhs.nextProcess == rhs.nextProcess && lhs.threads == rhs.threads && lhs.bitmaps == rhs.bitmaps
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(configuration)
    hasher.combine(threads)
    hasher.combine(bitmaps)
    hasher.combine(sequenceCounter)
    hasher.combine(pendingAllocationFailures)
    hasher.combine(nextBitmap)
    hasher.combine(nextProcess)
  }

  /// True when `id` names a thread of this kernel that has not exited.
  @inlinable
  public func isAlive(_ id: ThreadID) -> Bool {
    threads.indices.contains(id.rawValue) && threads[id.rawValue].isAlive
  }

  /// The bitmap `thread` points at, if any.
  public func bitmap(of thread: ThreadID) -> IOBitmap? {
    self[thread].ioBitmap.flatMap { bitmaps[$0] }
  }

  /// Live threads of `process`.
  public func threads(of process: ProcessID) -> [ThreadID] {
    threads.filter { $0.process == process && $0.isAlive }.map(\.id)
  }

  // MARK: Creation and allocation

  /// Creates the first thread of a new process, as init's descendants get them.
  public mutating func spawnProcess(credentials: Credentials) -> ThreadID {
    let process = ProcessID(rawValue: nextProcess)
    nextProcess += 1
    return addThread(process: process, credentials: credentials)
  }

  mutating func addThread(process: ProcessID, credentials: Credentials) -> ThreadID {
    let id = ThreadID(rawValue: threads.count)
    append(KernelThread(id: id, process: process, credentials: credentials))
    return id
  }

  /// Takes one allocation, failing if a failure was injected.
  mutating func allocate() throws(Errno) {
    if pendingAllocationFailures > 0 {
      pendingAllocationFailures -= 1
      throw .noMemory
    }
  }

  mutating func insert(_ bitmap: IOBitmap) -> BitmapID {
    let id = BitmapID(rawValue: nextBitmap)
    nextBitmap += 1
    store(bitmap, at: id, rewritten: true)
    return id
  }

  mutating func nextSequence() -> UInt64 {
    sequenceCounter += 1
    return sequenceCounter
  }

  // MARK: Shared helpers of arch/x86/kernel/ioport.c

  /// `task_update_io_bitmap()`: TIF_IO_BITMAP := level 3 or a bitmap. The TSS side (invalidate
  /// when the flag is clear) is the strategy's, on the ``SyscallEffect`` this produces.
  mutating func updateIOBitmapFlag(_ id: ThreadID) {
    self[id].needsIOBitmapUpdate = self[id].ioplEmulation == 3 || self[id].ioBitmap != nil
  }

  /// `io_bitmap_exit(tsk)` on the current thread: drops its reference, freeing the bitmap at
  /// zero, and updates its flag (`task_update_io_bitmap()`).
  mutating func exitIOBitmap(_ id: ThreadID) {
    let old = self[id].ioBitmap
    self[id].ioBitmap = nil
    updateIOBitmapFlag(id)
    if let old { dropReference(to: old) }
  }

  /// `refcount_dec_and_test()` then `kfree()`: one reference to `id` fewer, freed at zero.
  mutating func dropReference(to id: BitmapID) {
    guard var bitmap = bitmaps[id] else { return }
    bitmap.referenceCount -= 1
    store(bitmap.referenceCount == 0 ? nil : bitmap, at: id, rewritten: false)
  }

  // MARK: Entitlement

  /// What `thread` is entitled to by Linux semantics (invariant I5 of the reference §4.3):
  /// every port of the access exists and either the emulated level is 3 or its bit is 0.
  @inlinable @inline(__always)
  public func entitles(_ thread: ThreadID, ports: ClosedRange<Int>) -> Bool {
    guard ports.upperBound < portCount else { return false }
    if self[thread].ioplEmulation == 3 { return true }
    guard let id = self[thread].ioBitmap, bitmaps.contains(id) else { return false }
    for port in ports where !bitmaps[existing: id].allows(port) { return false }
    return true
  }
}

/// What a system call did to the calling thread's I/O permissions, for the switch strategy.
public struct SyscallEffect: Sendable, Hashable {
  /// The caller's bitmap, level or TIF_IO_BITMAP changed (`task_update_io_bitmap()` or a
  /// bitmap write ran), so a strategy that keeps the TSS in step eagerly must act now.
  public var permissionsChanged: Bool
  /// `ksys_ioperm()` replaced the caller's shared bitmap by a private copy: it ran
  /// `io_bitmap_exit()` on the shared one first, whose `task_update_io_bitmap()` saw the flag
  /// clear unless the caller is at level 3.
  public var copiedOnWrite: Bool
  /// Threads that exited as a side effect (exec's `de_thread`), which the machine must retire.
  public var exitedThreads: [ThreadID]
  /// Exited threads whose `exit_thread()` ran `io_bitmap_exit()` (they had TIF_IO_BITMAP): the
  /// TSS of the CPU each dies on gets its update.
  public var ioBitmapExits: Set<ThreadID>
  /// The thread the call created (fork, clone, `create_io_thread()`).
  public var createdThread: ThreadID?
  /// A failed fork's cleanup ran `tss_update_io_bitmap()` for current, the caller, on its CPU:
  /// `io_bitmap_exit(child)` → `task_update_io_bitmap(child)` with the child's flag cleared,
  /// before 8b68e978718f (``KernelDeviation/ioWorkerInheritsFlag``). The update reads current's
  /// flag, level and bitmap, not the child's.
  public var failedForkUpdatedTSS: Bool

  public init(
    permissionsChanged: Bool = false, copiedOnWrite: Bool = false, exitedThreads: [ThreadID] = [],
    ioBitmapExits: Set<ThreadID> = [], createdThread: ThreadID? = nil, failedForkUpdatedTSS: Bool = false
  ) {
    self.permissionsChanged = permissionsChanged
    self.copiedOnWrite = copiedOnWrite
    self.exitedThreads = exitedThreads
    self.ioBitmapExits = ioBitmapExits
    self.createdThread = createdThread
    self.failedForkUpdatedTSS = failedForkUpdatedTSS
  }

  public static let none = SyscallEffect()
}
