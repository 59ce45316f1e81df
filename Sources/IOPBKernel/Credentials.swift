/// The capabilities the I/O port calls and the uid change consult.
public struct Capabilities: OptionSet, Sendable, Hashable, Codable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  /// CAP_SYS_RAWIO: needed to turn ports on with `ioperm` and to raise the level with `iopl`.
  public static let sysRawIO = Capabilities(rawValue: 1 << 0)
  /// CAP_SETUID: needed to change to a uid the thread does not already have.
  public static let setUID = Capabilities(rawValue: 1 << 1)

  /// What root holds by default.
  public static let root: Capabilities = [.sysRawIO, .setUID]
}

/// A thread's credentials. Linux keeps them per thread (`task->cred`); a raw `setresuid`
/// changes only the calling thread.
public struct Credentials: Sendable, Hashable, Codable, CustomStringConvertible {
  public var uid: UInt32
  public var capabilities: Capabilities

  public init(uid: UInt32, capabilities: Capabilities) {
    self.uid = uid
    self.capabilities = capabilities
  }

  /// uid 0 with every capability.
  public static let root = Credentials(uid: 0, capabilities: .root)
  /// An ordinary user, uid 1000, with none.
  public static let user = Credentials(uid: 1000, capabilities: [])

  public var description: String { uid == 0 ? "root" : "uid \(uid)" }
}
