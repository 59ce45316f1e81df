/// What `copy_process()` creates.
public enum CloneKind: Sendable, Hashable {
  /// `fork()`: the first thread of a new process.
  case process
  /// `clone(CLONE_THREAD)`: another thread of the caller's process.
  case thread
  /// `create_io_thread()` (io_uring, io-wq): an I/O worker in the caller's process
  /// (``KernelThread/isIOWorker``).
  case ioWorker
}

extension Kernel {
  /// `copy_process()` by `parent` (current), in the order that matters for I/O permissions:
  /// `arch_dup_task_struct()` copies current's `thread_struct` and flags (so the emulated level
  /// is inherited), `copy_thread()` clears the bitmap pointer and, since 8b68e978718f,
  /// TIF_IO_BITMAP, returns early for an I/O worker (`args->fn`), and otherwise, when current
  /// has TIF_IO_BITMAP, `io_bitmap_share()` takes a reference on current's bitmap and sets the
  /// child's flag.
  ///
  /// An injected allocation failure strikes after `copy_thread()`, as `alloc_pid()` does for
  /// Jay Lang's clone3() reproducer (4bfe6cce133c): `copy_process()`'s error path runs
  /// `exit_thread(child)`, which tests current's flag and then runs `io_bitmap_exit(child)`:
  /// the child's reference is dropped and, since 8b68e978718f, no TSS is touched. The child is
  /// never added and takes no thread or process number. Under
  /// ``KernelDeviation/failedForkDropsParentBitmap`` the cleanup acts on current instead, and
  /// under ``KernelDeviation/ioWorkerInheritsFlag`` it updates current's TSS; the returned
  /// effect says so even though the call failed.
  public mutating func clone(_ parent: ThreadID, as kind: CloneKind) -> (error: Errno?, effect: SyscallEffect) {
    let source = self[parent]
    let process = kind == .process ? ProcessID(rawValue: nextProcess) : source.process
    var child = KernelThread(
      id: ThreadID(rawValue: threads.count), process: process, credentials: source.credentials,
      isIOWorker: kind == .ioWorker)
    // arch_dup_task_struct(): a copy of current.
    child.ioplEmulation = source.ioplEmulation
    child.needsIOBitmapUpdate = source.needsIOBitmapUpdate
    // copy_thread(): p->thread.io_bitmap = NULL; clear_tsk_thread_flag(p, TIF_IO_BITMAP).
    child.ioBitmap = nil
    if !configuration.deviations.contains(.ioWorkerInheritsFlag) { child.needsIOBitmapUpdate = false }
    if configuration.deviations.contains(.forkDropsPermissions) {
      child.ioplEmulation = 0
      child.needsIOBitmapUpdate = false
    } else if kind != .ioWorker, source.needsIOBitmapUpdate {
      // io_bitmap_share(p): "Can be NULL when current->thread.iopl_emul == 3".
      if let shared = source.ioBitmap, var bitmap = bitmaps[shared] {
        bitmap.referenceCount += 1
        store(bitmap, at: shared, rewritten: false)
      }
      child.ioBitmap = source.ioBitmap
      child.needsIOBitmapUpdate = true
    }
    do throws(Errno) {
      try allocate()
    } catch {
      return (error, cleanUpFailedFork(by: parent, child: child))
    }
    append(child)
    if kind == .process { nextProcess += 1 }
    return (nil, SyscallEffect(createdThread: child.id))
  }

  /// `fork()` (or, with `sameProcess`, `clone(CLONE_THREAD)`) by `parent`: ``clone(_:as:)``
  /// throwing its error. The effect of a failure (only under deviations) is dropped; the
  /// machine calls ``clone(_:as:)`` itself.
  public mutating func fork(_ parent: ThreadID, sameProcess: Bool = false) throws(Errno)
    -> SyscallEffect
  {
    let (error, effect) = clone(parent, as: sameProcess ? .thread : .process)
    if let error { throw error }
    return effect
  }

  /// `exit_thread(child)` on `copy_process()`'s error path, with current (`parent`) still the
  /// caller: nothing unless current has TIF_IO_BITMAP; then `io_bitmap_exit(child)`.
  mutating func cleanUpFailedFork(by parent: ThreadID, child: KernelThread) -> SyscallEffect {
    guard self[parent].needsIOBitmapUpdate else { return .none }
    if configuration.deviations.contains(.failedForkDropsParentBitmap) {
      // Before 4bfe6cce133c: io_bitmap_exit(void) on current; the share's reference leaks.
      exitIOBitmap(parent)
      return SyscallEffect(permissionsChanged: true)
    }
    var effect = SyscallEffect.none
    // Before 8b68e978718f, io_bitmap_exit(child) ran task_update_io_bitmap(child): with the
    // child's pointer gone, its flag stays only at level 3; otherwise it is cleared and
    // tss_update_io_bitmap() runs, which reads current.
    if configuration.deviations.contains(.ioWorkerInheritsFlag), child.ioplEmulation != 3 {
      effect.failedForkUpdatedTSS = true
    }
    if let shared = child.ioBitmap { dropReference(to: shared) }
    return effect
  }

  /// `execve()` by `caller`: nothing in the exec path touches the bitmap, the level or the flag,
  /// so both survive. `de_thread()` makes every other thread of the process exit first.
  public mutating func exec(_ caller: ThreadID) -> SyscallEffect {
    let others = threads(of: self[caller].process).filter { $0 != caller }
    var effect = SyscallEffect(exitedThreads: others)
    for other in others { effect.ioBitmapExits.formUnion(exit(other).ioBitmapExits) }
    if configuration.deviations.contains(.execDropsPermissions) {
      self[caller].ioplEmulation = 0
      exitIOBitmap(caller)
      effect.permissionsChanged = true
    }
    return effect
  }

  /// Thread exit: `exit_thread()` runs `io_bitmap_exit()` only for a thread with TIF_IO_BITMAP,
  /// as current on its own CPU (also under exec's `de_thread()`); the flag stays set only at
  /// level 3. The effect lists the thread in ``SyscallEffect/ioBitmapExits`` when that ran.
  @discardableResult
  public mutating func exit(_ thread: ThreadID) -> SyscallEffect {
    let ranIOBitmapExit = self[thread].needsIOBitmapUpdate
    if ranIOBitmapExit { exitIOBitmap(thread) }
    self[thread].isAlive = false
    return SyscallEffect(ioBitmapExits: ranIOBitmapExit ? [thread] : [])
  }

  /// `setresuid(uid, uid, uid)` as the raw system call, on the calling thread only. Changing
  /// to another uid needs CAP_SETUID; leaving uid 0 clears the permitted and effective
  /// capabilities (`cap_emulate_setxuid()`, no SECBIT_KEEP_CAPS).
  public mutating func setresuid(_ caller: ThreadID, uid: UInt32) throws(Errno) -> SyscallEffect {
    var credentials = self[caller].credentials
    guard uid == credentials.uid || credentials.capabilities.contains(.setUID) else {
      throw .notPermitted
    }
    if credentials.uid == 0, uid != 0 { credentials.capabilities = [] }
    credentials.uid = uid
    self[caller].credentials = credentials
    return .none
  }
}
