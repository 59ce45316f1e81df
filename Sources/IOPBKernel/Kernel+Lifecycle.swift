extension Kernel {
  /// `fork()` (or, with `sameProcess`, `clone(CLONE_THREAD)`) by `parent`, as `copy_thread()`
  /// and `io_bitmap_share()` do it: the child inherits the emulated level and credentials; if
  /// the parent has TIF_IO_BITMAP the child gets it too and shares the bitmap by reference.
  /// An injected allocation failure makes the call fail with ENOMEM and change nothing (the
  /// child's reference is dropped without touching the parent, since Linux 2020/2025 fixes).
  public mutating func fork(_ parent: ThreadID, sameProcess: Bool = false) throws(Errno)
    -> SyscallEffect
  {
    try allocate()
    let source = self[parent]
    let process: ProcessID
    if sameProcess {
      process = source.process
    } else {
      process = ProcessID(rawValue: nextProcess)
      nextProcess += 1
    }
    let child = addThread(process: process, credentials: source.credentials)
    if configuration.deviations.contains(.forkDropsPermissions) {
      return SyscallEffect(createdThread: child)
    }
    self[child].ioplEmulation = source.ioplEmulation
    if source.needsIOBitmapUpdate {
      if let shared = source.ioBitmap { bitmaps[shared]?.referenceCount += 1 }
      self[child].ioBitmap = source.ioBitmap
      self[child].needsIOBitmapUpdate = true
    }
    return SyscallEffect(createdThread: child)
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
