import IOPBKernel
import Testing

/// Each deviation a mutant flips, at the kernel level: what it changes, and that the kernel's
/// own invariants see the ones that break them.
@Suite struct KernelDeviationTests {
  func kernel(_ deviations: Set<KernelDeviation> = []) -> Kernel {
    Kernel(configuration: KernelConfiguration(deviations: deviations))
  }

  @Test func noSequenceBumpLeavesAFreshBitmapAtZeroAndACopyAtItsSource() throws {
    var kernel = kernel([.noSequenceBump])
    let parent = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(parent, from: 0x80, count: 1, turnOn: true)
    #expect(kernel.bitmap(of: parent)?.sequence == 0)
    #expect(kernel.sequenceCounter == 0)
    var faithful = self.kernel()
    let other = faithful.spawnProcess(credentials: .root)
    _ = try faithful.ioperm(other, from: 0x80, count: 1, turnOn: true)
    let child = try #require(try faithful.fork(other).createdThread)
    _ = try faithful.ioperm(child, from: 0x81, count: 1, turnOn: true)
    #expect(faithful.bitmap(of: child)?.sequence == 2)
  }

  @Test func noSequenceBumpCopyOnWriteKeepsTheSourceSequence() throws {
    var kernel = kernel([.noSequenceBump])
    let parent = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(parent, from: 0x80, count: 1, turnOn: true)
    let child = try #require(try kernel.fork(parent).createdThread)
    _ = try kernel.ioperm(child, from: 0x81, count: 1, turnOn: true)
    #expect(kernel[child].ioBitmap != kernel[parent].ioBitmap)
    #expect(kernel.bitmap(of: child)?.sequence == kernel.bitmap(of: parent)?.sequence)
    #expect(kernel.invariantViolations().isEmpty)
  }

  @Test func noCopyOnWriteChangesTheSharedBitmapInPlace() throws {
    var kernel = kernel([.noCopyOnWrite])
    let parent = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(parent, from: 0x80, count: 1, turnOn: true)
    let child = try #require(try kernel.fork(parent).createdThread)
    let effect = try kernel.ioperm(child, from: 0x81, count: 1, turnOn: true)
    #expect(!effect.copiedOnWrite)
    #expect(kernel[child].ioBitmap == kernel[parent].ioBitmap)
    #expect(kernel.bitmap(of: parent)?.referenceCount == 2)
    #expect(kernel.bitmap(of: parent)?.sequence == 2)
    #expect(kernel.entitles(parent, ports: 0x81...0x81))
    #expect(kernel.invariantViolations().isEmpty)
    // Dropping every port in place leaves the other sharer an all-ones bitmap.
    _ = try kernel.ioperm(child, from: 0x80, count: 2, turnOn: false)
    #expect(kernel[child].ioBitmap == nil)
    let shared = try #require(kernel[parent].ioBitmap)
    #expect(kernel.invariantViolations() == [.allPortsDenied(shared)])
  }

  /// A fork failing after `copy_thread()` shared the bitmap: since 4bfe6cce133c the child's
  /// reference goes and nothing else changes.
  @Test(arguments: [false, true])
  func failedForkChangesNothingInTheFixedKernel(atLevel3 level3: Bool) throws {
    var kernel = kernel()
    let parent = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(parent, from: 0x80, count: 1, turnOn: true)
    if level3 { _ = try kernel.iopl(parent, level: 3) }
    let before = kernel
    kernel.pendingAllocationFailures = 1
    let (error, effect) = kernel.clone(parent, as: .process)
    #expect(error == .noMemory)
    #expect(effect == .none)
    #expect(kernel.threads == before.threads && kernel.bitmaps == before.bitmaps)
  }

  @Test func failedForkDropsTheParentsBitmapAndLeaksTheChildsReference() throws {
    var kernel = kernel([.failedForkDropsParentBitmap])
    let parent = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(parent, from: 0x80, count: 1, turnOn: true)
    let bitmap = try #require(kernel[parent].ioBitmap)
    kernel.pendingAllocationFailures = 1
    let (error, effect) = kernel.clone(parent, as: .process)
    #expect(error == .noMemory)
    #expect(effect.permissionsChanged)
    #expect(kernel[parent].ioBitmap == nil)
    #expect(!kernel[parent].needsIOBitmapUpdate)
    #expect(kernel.threads.count == 1)
    #expect(kernel.invariantViolations() == [.referenceCount(bitmap, count: 1, references: 0)])
  }

  @Test func failedForkAtLevel3KeepsTheParentsFlag() throws {
    var kernel = kernel([.failedForkDropsParentBitmap])
    let parent = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(parent, from: 0x80, count: 1, turnOn: true)
    _ = try kernel.iopl(parent, level: 3)
    kernel.pendingAllocationFailures = 1
    _ = kernel.clone(parent, as: .thread)
    #expect(kernel[parent].ioBitmap == nil)
    #expect(kernel[parent].needsIOBitmapUpdate)
  }
}

/// I/O workers (`create_io_thread()`), before and after 8b68e978718f.
@Suite struct IOWorkerTests {
  @Test func aWorkerNeverSharesTheBitmapAndLosesTheFlag() throws {
    var kernel = Kernel()
    let user = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(user, from: 0x80, count: 1, turnOn: true)
    _ = try kernel.iopl(user, level: 3)
    let (error, effect) = kernel.clone(user, as: .ioWorker)
    #expect(error == nil)
    let worker = try #require(effect.createdThread)
    #expect(kernel[worker].isIOWorker)
    #expect(kernel[worker].process == kernel[user].process)
    #expect(kernel[worker].ioBitmap == nil)
    #expect(!kernel[worker].needsIOBitmapUpdate)
    // arch_dup_task_struct() copies the level; copy_thread() never resets it.
    #expect(kernel[worker].ioplEmulation == 3)
    #expect(kernel.bitmap(of: user)?.referenceCount == 1)
    #expect(kernel.invariantViolations().isEmpty)
  }

  @Test func beforeTheFixAWorkerInheritsTheFlagWithoutABitmap() throws {
    var kernel = Kernel(configuration: KernelConfiguration(deviations: [.ioWorkerInheritsFlag]))
    let user = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(user, from: 0x80, count: 1, turnOn: true)
    let worker = try #require(kernel.clone(user, as: .ioWorker).effect.createdThread)
    #expect(kernel[worker].needsIOBitmapUpdate)
    #expect(kernel[worker].ioBitmap == nil)
    #expect(kernel.invariantViolations() == [.ioBitmapFlag(worker, isSet: true)])
    // A worker's failed create_io_thread(): task_update_io_bitmap(child) updates current's TSS.
    kernel.pendingAllocationFailures = 1
    let (error, effect) = kernel.clone(worker, as: .ioWorker)
    #expect(error == .noMemory)
    #expect(effect.failedForkUpdatedTSS)
    #expect(kernel.threads.count == 2)
  }

  /// `task_update_io_bitmap(child)` keeps a level-3 child's flag and touches no TSS; current
  /// without the flag skips `io_bitmap_exit()` altogether.
  @Test(arguments: [(3, true, false), (0, true, true), (0, false, false)] as [(UInt32, Bool, Bool)])
  func beforeTheFixAFailedForkUpdatesTheTSSOnlyForAChildBelowLevel3(
    level: UInt32, withBitmap: Bool, updates: Bool
  ) throws {
    var kernel = Kernel(configuration: KernelConfiguration(deviations: [.ioWorkerInheritsFlag]))
    let user = kernel.spawnProcess(credentials: .root)
    if withBitmap { _ = try kernel.ioperm(user, from: 0x80, count: 1, turnOn: true) }
    _ = try kernel.iopl(user, level: level)
    kernel.pendingAllocationFailures = 1
    let (error, effect) = kernel.clone(user, as: .process)
    #expect(error == .noMemory)
    #expect(effect.failedForkUpdatedTSS == updates)
    #expect(kernel.invariantViolations().isEmpty)
  }

  @Test func execEndsTheProcesssWorkers() throws {
    var kernel = Kernel()
    let user = kernel.spawnProcess(credentials: .root)
    let worker = try #require(kernel.clone(user, as: .ioWorker).effect.createdThread)
    let effect = kernel.exec(user)
    #expect(effect.exitedThreads == [worker])
    #expect(!kernel.isAlive(worker))
  }
}
