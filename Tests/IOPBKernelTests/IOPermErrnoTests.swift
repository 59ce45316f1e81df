import IOPBKernel
import Testing

struct IOPermCase: Sendable, CustomTestStringConvertible {
  var name: String
  var credentials: Credentials = .root
  var configuration = KernelConfiguration()
  var from: UInt64
  var count: UInt64
  var turnOn: Bool
  var expected: Errno?
  var testDescription: String { name }
}

struct IOPLCase: Sendable, CustomTestStringConvertible {
  var name: String
  var credentials: Credentials = .root
  var configuration = KernelConfiguration()
  var start: UInt32 = 0
  var level: UInt32
  var expected: Errno?
  var testDescription: String { name }
}

@Suite struct IOPermErrnoTests {
  static let iopermCases: [IOPermCase] = [
    IOPermCase(name: "num 0", from: 0x80, count: 0, turnOn: true, expected: .invalidArgument),
    IOPermCase(
      name: "EINVAL before EPERM", credentials: .user, from: 0xFFFF, count: 2, turnOn: true,
      expected: .invalidArgument),
    IOPermCase(
      name: "wrap-around", from: .max, count: 2, turnOn: true, expected: .invalidArgument),
    IOPermCase(name: "ends exactly at 65536", from: 0xFFFF, count: 1, turnOn: true, expected: nil),
    IOPermCase(name: "all ports", from: 0, count: 65536, turnOn: true, expected: nil),
    IOPermCase(
      name: "unprivileged on", credentials: .user, from: 0x80, count: 1, turnOn: true,
      expected: .notPermitted),
    IOPermCase(
      name: "unprivileged off", credentials: .user, from: 0x80, count: 1, turnOn: false,
      expected: nil),
    IOPermCase(
      name: "lockdown refuses root", configuration: KernelConfiguration(lockdown: true),
      from: 0x80, count: 1, turnOn: true, expected: .notPermitted),
    IOPermCase(
      name: "lockdown allows off", configuration: KernelConfiguration(lockdown: true),
      from: 0x80, count: 1, turnOn: false, expected: nil),
    IOPermCase(
      name: "ENOSYS before EINVAL", configuration: KernelConfiguration(ioplIoperm: false),
      from: 0, count: 0, turnOn: true, expected: .notImplemented),
    IOPermCase(
      name: "reduced port count bounds the range", configuration: KernelConfiguration(portCount: 128),
      from: 120, count: 9, turnOn: true, expected: .invalidArgument),
  ]

  @Test(arguments: iopermCases)
  func ioperm(_ testCase: IOPermCase) {
    var kernel = Kernel(configuration: testCase.configuration)
    let thread = kernel.spawnProcess(credentials: testCase.credentials)
    var result: Errno?
    do {
      _ = try kernel.ioperm(thread, from: testCase.from, count: testCase.count, turnOn: testCase.turnOn)
    } catch {
      result = error
    }
    #expect(result == testCase.expected)
    if result != nil { #expect(kernel.bitmaps.isEmpty && kernel.sequenceCounter == 0) }
  }

  static let ioplCases: [IOPLCase] = [
    IOPLCase(name: "above 3", level: 4, expected: .invalidArgument),
    IOPLCase(name: "negative int is huge unsigned", level: UInt32.max, expected: .invalidArgument),
    IOPLCase(name: "EINVAL before EPERM", credentials: .user, level: 7, expected: .invalidArgument),
    IOPLCase(name: "raise as root", level: 3, expected: nil),
    IOPLCase(name: "raise 0→1 unprivileged", credentials: .user, level: 1, expected: .notPermitted),
    IOPLCase(name: "raise 1→2 unprivileged", credentials: .user, start: 1, level: 2, expected: .notPermitted),
    IOPLCase(name: "same level unprivileged", credentials: .user, start: 3, level: 3, expected: nil),
    IOPLCase(name: "lower unprivileged", credentials: .user, start: 3, level: 1, expected: nil),
    IOPLCase(
      name: "lockdown refuses raising", configuration: KernelConfiguration(lockdown: true),
      level: 3, expected: .notPermitted),
    IOPLCase(
      name: "no CONFIG_X86_IOPL_IOPERM", configuration: KernelConfiguration(ioplIoperm: false),
      level: 0, expected: .notImplemented),
  ]

  @Test(arguments: ioplCases)
  func iopl(_ testCase: IOPLCase) throws {
    var kernel = Kernel(configuration: testCase.configuration)
    let root = kernel.spawnProcess(credentials: .root)
    if testCase.start > 0 { _ = try kernel.iopl(root, level: testCase.start) }
    // Drop privilege after reaching the start level, as the selftest does.
    if testCase.credentials != .root { _ = try kernel.setresuid(root, uid: testCase.credentials.uid) }
    var result: Errno?
    do { _ = try kernel.iopl(root, level: testCase.level) } catch { result = error }
    #expect(result == testCase.expected)
    #expect(kernel[root].ioplEmulation == UInt8(result == nil ? testCase.level : testCase.start))
    #expect(kernel[root].needsIOBitmapUpdate == (kernel[root].ioplEmulation == 3))
  }
}
