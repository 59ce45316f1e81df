import IOPBKernel
import Testing

@Suite struct IOBitmapLifecycleTests {
  @Test func maxIsInLongsAndSequenceIsGlobal() throws {
    var kernel = Kernel()
    let a = kernel.spawnProcess(credentials: .root)
    let b = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(a, from: 0x80, count: 1, turnOn: true)
    #expect(kernel.bitmap(of: a)?.maxBytes == 24)  // port 0x80 is in long 2 → (2+1)*8
    #expect(kernel.bitmap(of: a)?.sequence == 1)
    _ = try kernel.ioperm(b, from: 0xFFFF, count: 1, turnOn: true)
    #expect(kernel.bitmap(of: b)?.maxBytes == 8192)
    #expect(kernel.bitmap(of: b)?.sequence == 2)
    // Re-granting the same port changes no bit but still takes a fresh sequence.
    _ = try kernel.ioperm(a, from: 0x80, count: 1, turnOn: true)
    #expect(kernel.bitmap(of: a)?.sequence == 3)
    #expect(kernel.invariantViolations().isEmpty)
  }

  @Test func byteViewIsLittleEndianMemoryOrder() {
    var bitmap = IOBitmap(portCount: 128)
    bitmap.set(allowed: true, from: 9, count: 1)  // byte 1, bit 1
    bitmap.set(allowed: true, from: 127, count: 1)  // byte 15, bit 7
    #expect(bitmap.bytes(count: 16) == [0xFF, 0xFD] + Array(repeating: 0xFF, count: 13) + [0x7F])
    #expect(bitmap.bytes(count: 2) == (0..<2).map(bitmap.byte(at:)))
  }

  @Test func droppingEveryPortFreesTheBitmap() throws {
    var kernel = Kernel()
    let a = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(a, from: 0x3F8, count: 8, turnOn: true)
    _ = try kernel.ioperm(a, from: 0x3F8, count: 4, turnOn: false)
    #expect(kernel.bitmap(of: a)?.maxBytes == 128)
    _ = try kernel.ioperm(a, from: 0x3FC, count: 4, turnOn: false)
    #expect(kernel[a].ioBitmap == nil)
    #expect(kernel.bitmaps.isEmpty)
    #expect(!kernel[a].needsIOBitmapUpdate)
  }

  @Test func droppingEveryPortAtLevel3KeepsTheFlag() throws {
    var kernel = Kernel()
    let a = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(a, from: 0x80, count: 1, turnOn: true)
    _ = try kernel.iopl(a, level: 3)
    _ = try kernel.ioperm(a, from: 0x80, count: 1, turnOn: false)
    #expect(kernel.bitmaps.isEmpty)
    #expect(kernel[a].needsIOBitmapUpdate)
    #expect(kernel.entitles(a, ports: 0x1234...0x1235))
  }

  @Test func forkSharesAndWritingUnshares() throws {
    var kernel = Kernel()
    let parent = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(parent, from: 0x80, count: 1, turnOn: true)
    let child = try #require(try kernel.fork(parent).createdThread)
    #expect(kernel[child].ioBitmap == kernel[parent].ioBitmap)
    #expect(kernel.bitmap(of: parent)?.referenceCount == 2)
    #expect(kernel[child].process != kernel[parent].process)
    _ = try kernel.ioperm(child, from: 0x81, count: 1, turnOn: true)
    #expect(kernel[child].ioBitmap != kernel[parent].ioBitmap)
    #expect(kernel.bitmap(of: parent)?.referenceCount == 1)
    #expect(kernel.entitles(child, ports: 0x81...0x81))
    #expect(!kernel.entitles(parent, ports: 0x81...0x81))
    #expect(kernel.invariantViolations().isEmpty)
  }

  @Test func forkInheritsLevel3WithoutABitmap() throws {
    var kernel = Kernel()
    let parent = kernel.spawnProcess(credentials: .root)
    _ = try kernel.iopl(parent, level: 3)
    let child = try #require(try kernel.fork(parent, sameProcess: true).createdThread)
    #expect(kernel[child].ioplEmulation == 3)
    #expect(kernel[child].needsIOBitmapUpdate)
    #expect(kernel[child].ioBitmap == nil)
    #expect(kernel[child].process == kernel[parent].process)
  }

  @Test func failedAllocationsChangeNothing() throws {
    var kernel = Kernel()
    let parent = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(parent, from: 0x80, count: 1, turnOn: true)
    let before = kernel
    kernel.pendingAllocationFailures = 1
    #expect(throws: Errno.noMemory) { try kernel.fork(parent) }
    #expect(kernel.threads == before.threads && kernel.bitmaps == before.bitmaps)
    let child = try #require(try kernel.fork(parent).createdThread)
    kernel.pendingAllocationFailures = 1
    // Copy on write allocates even when turning ports off.
    #expect(throws: Errno.noMemory) { try kernel.ioperm(child, from: 0x80, count: 1, turnOn: false) }
    #expect(kernel.entitles(child, ports: 0x80...0x80))
    #expect(kernel.bitmap(of: parent)?.referenceCount == 2)
    #expect(kernel.invariantViolations().isEmpty)
  }

  @Test func execKeepsPermissionsAndEndsOtherThreads() throws {
    var kernel = Kernel()
    let main = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(main, from: 0x70, count: 2, turnOn: true)
    let sibling = try #require(try kernel.fork(main, sameProcess: true).createdThread)
    let effect = kernel.exec(sibling)
    #expect(effect.exitedThreads == [main])
    #expect(!kernel.isAlive(main))
    #expect(kernel.entitles(sibling, ports: 0x70...0x71))
    #expect(kernel.bitmap(of: sibling)?.referenceCount == 1)
  }

  @Test func setresuidDropsCapabilitiesPerThread() throws {
    var kernel = Kernel()
    let main = kernel.spawnProcess(credentials: .root)
    let sibling = try #require(try kernel.fork(main, sameProcess: true).createdThread)
    _ = try kernel.setresuid(main, uid: 1)
    #expect(kernel[main].credentials.capabilities.isEmpty)
    #expect(kernel[sibling].credentials == .root)
    #expect(throws: Errno.notPermitted) { try kernel.setresuid(main, uid: 2) }
    _ = try kernel.setresuid(main, uid: 1)
  }

  @Test func exitDropsTheReference() throws {
    var kernel = Kernel()
    let parent = kernel.spawnProcess(credentials: .root)
    _ = try kernel.ioperm(parent, from: 0x80, count: 1, turnOn: true)
    let child = try #require(try kernel.fork(parent).createdThread)
    kernel.exit(child)
    #expect(kernel.bitmap(of: parent)?.referenceCount == 1)
    kernel.exit(parent)
    #expect(kernel.bitmaps.isEmpty)
    #expect(kernel.invariantViolations().isEmpty)
  }
}
