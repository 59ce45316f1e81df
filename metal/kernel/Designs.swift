/// The switch designs on metal: each keeps the CPU's TSS (or TR itself) in step with the
/// running thread as its source describes, and every port access then runs at CPL 3 and is
/// decided by the CPU. The same designs in the model: `Sources/IOPBStrategies` (each case
/// names its model type).
enum Design: UInt64 {
  /// `Linux55Strategy`: invalidate at switch-out, sequence-checked copy at return to user
  /// (`switch_to_bitmap()`, `tss_update_io_bitmap()`, `tss_copy_io_bitmap()`).
  case linux55 = 0
  /// `Linux268FullCopyStrategy`: the whole 8 KiB copied on every switch to a bitmap user.
  case linux268Full = 1
  /// `RemapInvlpgStrategy`: the bitmap pages mapped at a fixed address after the TSS, PTEs
  /// rewritten per thread, INVLPG.
  case remapInvlpg = 2
  /// The same without the INVLPG: what a stale translation does.
  case remapWithoutInvlpg = 3
  /// `PerThreadTSSStrategy`: a TSS per thread with permissions; the one GDT descriptor
  /// rewritten (busy bit clear) and LTR.
  case perThreadTSS = 4
  /// The same with one GDT descriptor per thread: its busy bit cleared, LTR.
  case perThreadDescriptor = 5
  /// `LazyGPCopyStrategy`: a lazy invalid base at switch; the #GP handler copies and restarts.
  case lazyGPCopy = 6
}

/// A thread of the designs' runs: a CPL-3 context with its own user stack and, in the
/// kernel, its I/O bitmap (Linux `struct io_bitmap`: the bits, `max`, `sequence`) and its
/// emulated IOPL.
struct MetalThread {
  var hasBitmap = false
  /// Bytes of the bitmap up to the last long with a cleared bit (`io_bitmap->max`).
  var maxBytes: UInt64 = 0
  var sequence: UInt64 = 0
  var ioplLevel: UInt64 = 0
  var exists = false
  /// TIF_IO_BITMAP: a bitmap, or the emulated iopl(3).
  var needsBitmapWork: Bool { hasBitmap || ioplLevel == 3 }
}

/// Counts of what the designs did on metal (printed by `E`).
struct DesignCounts {
  var copies: UInt64 = 0
  var bytesCopied: UInt64 = 0
  var invalidations: UInt64 = 0
  var taskRegisterLoads: UInt64 = 0
  var fixups: UInt64 = 0
}

enum Designs {
  static var design = Design.linux55
  static var current: Int = -1
  static var globalSequence: UInt64 = 0
  static var counts = DesignCounts()
  /// remap: which thread's pages the window maps (-1 all ones, -2 zeros).
  static var mapped: Int = -1
  /// per-thread TSS: the TSS TR points at (-1: the CPU's own).
  static var loadedTSS: Int = -2
  /// lazy: the thread and sequence whose bitmap the TSS holds, and whether the base is lazy.
  static var owner: Int = -1
  static var ownerSequence: UInt64 = 0
  static var lazyPending = false

  static var threads: UnsafeMutablePointer<MetalThread> {
    UnsafeMutablePointer<MetalThread>(bitPattern: UInt(0x170_0000))!
  }
  static func bitmap(_ thread: Int) -> UInt64 { Layout.threadBitmaps + UInt64(thread) * Layout.bitmapStride }
  static func threadTSS(_ thread: Int) -> UInt64 { Layout.threadTSSes + UInt64(thread) * Layout.threadTSSStride }

  // MARK: commands

  /// `D design`: a fresh run: no threads, the TSS as the design boots it.
  static func start(_ reader: inout ProgramReader) {
    guard let chosen = Design(rawValue: reader.require()) else { panic("unknown design") }
    design = chosen
    current = -1
    globalSequence = 0
    counts = DesignCounts()
    mapped = -1
    loadedTSS = -2
    owner = -1
    lazyPending = false
    for index in 0..<Layout.maxThreads { threads[index] = MetalThread() }
    LinuxLayout.setUp(Layout.linuxTSS)
    switch design {
    case .remapInvlpg, .remapWithoutInvlpg:
      Memory.fill(Layout.remapTSSPage, 0, 0x1000)
      Memory.fill(Layout.remapZeroPages, 0, 0x2000)
      Descriptors.setStacks(tss: Layout.remapTSS)
      Memory.store16(Layout.remapTSS + 0x66, UInt16(remapInvalid))
      remap(to: Layout.remapAllOnesPages, invalidate: true)
      Descriptors.loadTSS(Selector.tss, base: Layout.remapTSS, limit: remapLimit)
    case .perThreadTSS, .perThreadDescriptor:
      Descriptors.loadTSS(Selector.tss, base: Layout.linuxTSS, limit: LinuxLayout.limit)
      loadedTSS = -1
    default:
      Descriptors.loadTSS(Selector.tss, base: Layout.linuxTSS, limit: LinuxLayout.limit)
    }
  }

  /// `N thread`: a thread without permissions.
  static func create(_ reader: inout ProgramReader) {
    let thread = threadField(&reader)
    threads[thread] = MetalThread()
    threads[thread].exists = true
    Memory.fill(bitmap(thread), 0xFF, LinuxLayout.bitmapBytes)
    LinuxLayout.setUp(threadTSS(thread))
  }

  /// `F parent child`: fork or clone; the child starts with the parent's bitmap (same
  /// sequence: Linux shares it until a write) and emulated IOPL (`copy_thread()`).
  static func fork(_ reader: inout ProgramReader) {
    let parent = threadField(&reader)
    let child = threadField(&reader)
    threads[child] = threads[parent]
    Memory.copy(bitmap(child), bitmap(parent), LinuxLayout.bitmapBytes)
    LinuxLayout.setUp(threadTSS(child))
    syncThreadTSS(child)
  }

  /// `I thread from count on`: `ioperm(from, count, on)` called by `thread` (Linux
  /// `ksys_ioperm()`: a changed bitmap gets a new sequence; one with no port left is freed).
  static func ioperm(_ reader: inout ProgramReader) {
    let thread = threadField(&reader)
    let from = reader.require()
    let count = reader.require()
    let turnOn = reader.require() != 0
    run(thread)
    let map = bitmap(thread)
    if !threads[thread].hasBitmap {
      Memory.fill(map, 0xFF, LinuxLayout.bitmapBytes)
    }
    var port = from
    while port < from + count && port < 0x10000 {
      let byte = map + port / 8
      let bit = UInt8(1) << UInt8(port % 8)
      Memory.store8(byte, turnOn ? Memory.load8(byte) & ~bit : Memory.load8(byte) | bit)
      port += 1
    }
    var last: UInt64 = 0
    var index: UInt64 = 0
    while index < UInt64(LinuxLayout.bitmapBytes) {
      if Memory.load64(map + index) != UInt64.max { last = index + 8 }
      index += 8
    }
    globalSequence += 1
    threads[thread].hasBitmap = last > 0
    threads[thread].maxBytes = last
    threads[thread].sequence = globalSequence
    syncThreadTSS(thread)
    permissionsChanged(thread)
  }

  /// `L thread level`: `iopl(level)`, emulated (Linux ≥ 5.5: level 3 grants every port).
  static func iopl(_ reader: inout ProgramReader) {
    let thread = threadField(&reader)
    let level = reader.require()
    run(thread)
    threads[thread].ioplLevel = level
    syncThreadTSS(thread)
    permissionsChanged(thread)
  }

  /// `A id thread port width`: the thread runs (switch, return to user) and executes IN at
  /// CPL 3. Prints `@@R id A` or `@@R id G error`.
  static func access(_ reader: inout ProgramReader) {
    let id = reader.require()
    let thread = threadField(&reader)
    let port = reader.require()
    let width = reader.require()
    run(thread)
    returnToUser(thread)
    trapPolicy = design == .lazyGPCopy ? .lazyCopy : .leave
    let stack = Layout.userStackTop - UInt64(thread) * 0x1000
    let result = enterUser(userIOEntry(), stack, 0x2, port, width)
    trapPolicy = .leave
    Serial.text("@@R ")
    Serial.hex(id)
    if Excursion.vector(result) == 0x80 {
      Serial.text(" A")
    } else {
      Serial.text(" G ")
      Serial.hex(Excursion.detail(result))
    }
    Serial.newline()
  }

  /// `S thread`: an explicit context switch; the thread stays in the kernel.
  static func switchTo(_ reader: inout ProgramReader) {
    run(threadField(&reader))
  }

  /// `M`: a VM exit on the CPU (TR's limit drops to 0x67).
  static func vmExit() {
    Descriptors.cutLimitAsVMExit()
  }

  /// `E`: the counts of the run.
  static func end() {
    Serial.text("@@Q copies ")
    Serial.decimal(counts.copies)
    Serial.text(" bytes ")
    Serial.decimal(counts.bytesCopied)
    Serial.text(" invlpg ")
    Serial.decimal(counts.invalidations)
    Serial.text(" ltr ")
    Serial.decimal(counts.taskRegisterLoads)
    Serial.text(" fixups ")
    Serial.decimal(counts.fixups)
    Serial.newline()
  }

  private static func threadField(_ reader: inout ProgramReader) -> Int {
    let value = reader.require()
    guard value < UInt64(Layout.maxThreads) else { panic("thread out of range", value) }
    return Int(value)
  }

  // MARK: the hooks, per design

  /// Makes `thread` current: the context switch, if it is not.
  static func run(_ thread: Int) {
    guard thread != current else { return }
    let previous = current
    current = thread
    contextSwitch(from: previous, to: thread)
  }

  static func contextSwitch(from previous: Int, to next: Int) {
    switch design {
    case .linux55:
      // switch_to_bitmap(): invalidate if the previous thread used the bitmap.
      if previous >= 0, threads[previous].needsBitmapWork { setBase(LinuxLayout.invalid) }
    case .linux268Full:
      let previousUses = previous >= 0 && threads[previous].needsBitmapWork
      if previousUses || threads[next].needsBitmapWork { installFullCopy(next) }
    case .remapInvlpg, .remapWithoutInvlpg:
      installRemap(next)
    case .perThreadTSS, .perThreadDescriptor:
      installThreadTSS(next)
    case .lazyGPCopy:
      installLazy(next)
    }
  }

  /// Exit to user mode. A thread that may reach ports gets TR's limit back after a VM exit
  /// (`refresh_tss_limit()`, in every design but the lazy one, whose #GP handler does it).
  static func returnToUser(_ thread: Int) {
    guard threads[thread].needsBitmapWork else { return }
    if design == .linux55 { updateLinux55(thread) }
    if design != .lazyGPCopy { Descriptors.refreshLimit() }
  }

  static func permissionsChanged(_ thread: Int) {
    switch design {
    case .linux55:
      // task_update_io_bitmap(): update with TIF_IO_BITMAP, else invalidate.
      if threads[thread].needsBitmapWork { updateLinux55(thread) } else { setBase(LinuxLayout.invalid) }
    case .linux268Full: installFullCopy(thread)
    case .remapInvlpg, .remapWithoutInvlpg: installRemap(thread)
    case .perThreadTSS, .perThreadDescriptor: installThreadTSS(thread)
    case .lazyGPCopy:
      // sys_ioperm(): the lazy base, the owner forgotten.
      owner = -1
      installLazy(thread)
    }
  }

  private static func setBase(_ base: UInt64, tss: UInt64 = Layout.linuxTSS) {
    Memory.store16(tss + 0x66, UInt16(base))
  }

  /// `tss_update_io_bitmap()` (Linux 5.5): VALID_ALL for iopl(3), else the copy when the
  /// TSS's `prev_sequence` differs, of `max(prev_max, max)` bytes.
  private static func updateLinux55(_ thread: Int) {
    let tss = Layout.linuxTSS
    if threads[thread].ioplLevel == 3 {
      setBase(LinuxLayout.validAll)
      return
    }
    if Memory.load64(tss + LinuxLayout.prevSequence) != threads[thread].sequence {
      let previousMax = UInt64(Memory.load32(tss + LinuxLayout.prevMax))
      let bytes = max(previousMax, threads[thread].maxBytes)
      copyIntoTSS(thread, bytes: bytes, tss: tss)
      Memory.store64(tss + LinuxLayout.prevMax, threads[thread].maxBytes)
      Memory.store64(tss + LinuxLayout.prevSequence, threads[thread].sequence)
    }
    setBase(LinuxLayout.validMap)
  }

  private static func copyIntoTSS(_ thread: Int, bytes: UInt64, tss: UInt64) {
    Memory.copy(tss + LinuxLayout.validMap, bitmap(thread), Int(bytes))
    counts.copies += 1
    counts.bytesCopied += bytes
  }

  /// Linux 2.6.8 `__switch_to()`: the whole map copied, the base valid; else invalid.
  private static func installFullCopy(_ thread: Int) {
    if threads[thread].ioplLevel == 3 {
      setBase(LinuxLayout.validAll)
    } else if threads[thread].hasBitmap {
      copyIntoTSS(thread, bytes: UInt64(LinuxLayout.bitmapBytes), tss: Layout.linuxTSS)
      setBase(LinuxLayout.validMap)
    } else {
      setBase(LinuxLayout.invalid)
    }
  }

  // remap + INVLPG: the window at 0x400F_1000 (two pages) after the TSS's hardware part at
  // 0x400F_0F98; the terminator page at 0x400F_3000. Map base 0x68, limit 0x2068.
  static let remapLimit: UInt64 = 0x68 + 0x2000
  static let remapInvalid: UInt64 = remapLimit + 1

  private static func remap(to physical: UInt64, invalidate: Bool) {
    Paging.mapFixed(page: 1, to: physical)
    Paging.mapFixed(page: 2, to: physical + 0x1000)
    if invalidate {
      invalidatePage(Layout.remapWindow + 0x1000)
      invalidatePage(Layout.remapWindow + 0x2000)
      counts.invalidations += 2
    }
  }

  private static func installRemap(_ thread: Int) {
    let invalidates = design == .remapInvlpg
    if threads[thread].ioplLevel == 3 {
      if mapped != -2 { remap(to: Layout.remapZeroPages, invalidate: invalidates) }
      mapped = -2
      Memory.store16(Layout.remapTSS + 0x66, 0x68)
    } else if threads[thread].hasBitmap {
      if mapped != thread { remap(to: bitmap(thread), invalidate: invalidates) }
      mapped = thread
      Memory.store16(Layout.remapTSS + 0x66, 0x68)
    } else {
      Memory.store16(Layout.remapTSS + 0x66, UInt16(remapInvalid))
    }
  }

  // per-thread TSS + LTR

  /// Keeps a thread's own TSS (Linux layout) holding its bitmap and base.
  private static func syncThreadTSS(_ thread: Int) {
    let tss = threadTSS(thread)
    Memory.copy(tss + LinuxLayout.validMap, bitmap(thread), LinuxLayout.bitmapBytes)
    let base = threads[thread].ioplLevel == 3 ? LinuxLayout.validAll
      : threads[thread].hasBitmap ? LinuxLayout.validMap : LinuxLayout.invalid
    setBase(base, tss: tss)
  }

  /// Anvin: the thread's own TSS when it has permissions, the CPU's otherwise; LTR only when
  /// the TSS changes, after clearing the busy bit of the descriptor to load.
  private static func installThreadTSS(_ thread: Int) {
    let target = threads[thread].needsBitmapWork ? thread : -1
    guard target != loadedTSS else { return }
    let base = target >= 0 ? threadTSS(target) : Layout.linuxTSS
    if design == .perThreadTSS {
      Descriptors.writeTSSDescriptor(Selector.tss, base: base, limit: LinuxLayout.limit)
      Descriptors.load(Selector.tss)
    } else {
      let selector = target >= 0 ? Selector.threadTSS + UInt16(target) * 16 : Selector.tss
      if target >= 0 && Memory.load8(Layout.gdt + UInt64(selector) + 5) & 0x80 == 0 {
        Descriptors.writeTSSDescriptor(selector, base: base, limit: LinuxLayout.limit)
      }
      Descriptors.clearBusy(selector)
      Descriptors.load(selector)
    }
    counts.taskRegisterLoads += 1
    loadedTSS = target
  }

  // lazy #GP copy (i386 Linux 2.6.10–2.6.25)

  private static func installLazy(_ thread: Int) {
    lazyPending = false
    if threads[thread].ioplLevel == 3 {
      setBase(LinuxLayout.validAll)
    } else if threads[thread].hasBitmap {
      if owner == thread && ownerSequence == threads[thread].sequence {
        setBase(LinuxLayout.validMap)
      } else {
        setBase(LinuxLayout.invalid)
        lazyPending = true
      }
    } else {
      setBase(LinuxLayout.invalid)
    }
  }

  /// `do_general_protection()`'s lazy block: with the lazy base and a bitmap, copy `max`
  /// bytes, 0xFF over the rest of the previous extent, take ownership, base valid, restart.
  static func lazyGeneralProtection() -> Bool {
    guard current >= 0, threads[current].needsBitmapWork else { return false }
    if Descriptors.limitCut {
      Descriptors.refreshLimit()
      counts.fixups += 1
      return true
    }
    guard lazyPending, threads[current].hasBitmap else { return false }
    let tss = Layout.linuxTSS
    let bytes = threads[current].maxBytes
    let previousMax = UInt64(Memory.load32(tss + LinuxLayout.prevMax))
    copyIntoTSS(current, bytes: bytes, tss: tss)
    if previousMax > bytes { Memory.fill(tss + LinuxLayout.validMap + bytes, 0xFF, Int(previousMax - bytes)) }
    Memory.store64(tss + LinuxLayout.prevMax, bytes)
    owner = current
    ownerSequence = threads[current].sequence
    lazyPending = false
    setBase(LinuxLayout.validMap)
    counts.fixups += 1
    return true
  }
}
