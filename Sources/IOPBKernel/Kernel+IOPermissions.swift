extension Kernel {
  /// `ioperm(from, num, turn_on)` as `ksys_ioperm()` in `arch/x86/kernel/ioport.c` (Linux ≥ 5.5).
  ///
  /// Order of checks: ENOSYS (config), EINVAL (`from + num <= from || from + num > 65536`, on
  /// unsigned long), then EPERM (turning on without CAP_SYS_RAWIO or under lockdown). Turning
  /// off without a bitmap allocates nothing. A shared bitmap is duplicated first (ENOMEM
  /// possible even when turning off). The sequence is bumped on every successful change; a
  /// bitmap whose bits are all set again is dropped. ``KernelDeviation/noCopyOnWrite`` writes a
  /// shared bitmap in place, ``KernelDeviation/noSequenceBump`` keeps its sequence.
  public mutating func ioperm(
    _ caller: ThreadID, from: UInt64, count: UInt64, turnOn: Bool
  ) throws(Errno) -> SyscallEffect {
    guard configuration.ioplIoperm else { throw .notImplemented }
    let (end, overflow) = from.addingReportingOverflow(count)
    let validRange = !overflow && end > from && end <= UInt64(portCount)
    let permitted =
      !turnOn || self[caller].credentials.capabilities.contains(.sysRawIO) && !configuration.lockdown
    if configuration.deviations.contains(.permissionBeforeRange) {
      guard permitted else { throw .notPermitted }
    }
    guard validRange else { throw .invalidArgument }
    guard permitted else { throw .notPermitted }

    let id: BitmapID
    var bitmap: IOBitmap
    var copiedOnWrite = false
    if let current = self[caller].ioBitmap, let existing = bitmaps[current] {
      bitmap = existing
      if existing.referenceCount > 1, !configuration.deviations.contains(.noCopyOnWrite) {
        // Copy on write: kmemdup, then io_bitmap_exit(current) drops the shared original.
        try allocate()
        exitIOBitmap(caller)
        copiedOnWrite = true
        bitmap.referenceCount = 1
        id = insert(bitmap)
      } else {
        id = current
      }
    } else {
      guard turnOn else { return .none }
      try allocate()
      bitmap = IOBitmap(portCount: portCount)
      id = insert(bitmap)
    }
    self[caller].ioBitmap = id
    self[caller].needsIOBitmapUpdate = true

    bitmap.set(allowed: turnOn, from: Int(from), count: Int(count))
    guard let lastWord = bitmap.lastWordWithZeroBit else {
      // Every port denied again: io_bitmap_exit(current) drops it, freeing it unless another
      // thread still points at it (only without copy on write: then with the bits written).
      store(bitmap, at: id, rewritten: true)
      exitIOBitmap(caller)
      return SyscallEffect(permissionsChanged: true, copiedOnWrite: copiedOnWrite)
    }
    bitmap.maxBytes = (lastWord + 1) * 8
    if !configuration.deviations.contains(.noSequenceBump) { bitmap.sequence = nextSequence() }
    store(bitmap, at: id, rewritten: true)
    return SyscallEffect(permissionsChanged: true, copiedOnWrite: copiedOnWrite)
  }

  /// `iopl(level)` as `SYSCALL_DEFINE1(iopl)` in `arch/x86/kernel/ioport.c` (Linux ≥ 5.5).
  ///
  /// EINVAL above 3 (the level is unsigned); the same level always succeeds; raising needs
  /// CAP_SYS_RAWIO and no lockdown; lowering always succeeds. Only level 3 grants ports.
  public mutating func iopl(_ caller: ThreadID, level: UInt32) throws(Errno) -> SyscallEffect {
    guard configuration.ioplIoperm else { throw .notImplemented }
    guard level <= 3 else { throw .invalidArgument }
    let old = self[caller].ioplEmulation
    if level == old { return .none }
    if level > old,
      !self[caller].credentials.capabilities.contains(.sysRawIO) || configuration.lockdown
    {
      throw .notPermitted
    }
    self[caller].ioplEmulation = UInt8(level)
    updateIOBitmapFlag(caller)
    return SyscallEffect(permissionsChanged: true)
  }
}
