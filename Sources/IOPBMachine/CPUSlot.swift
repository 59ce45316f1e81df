import IOPBKernel

/// One CPU's scheduling state: which thread it runs and whether that thread is in user mode.
public struct CPUSlot: Sendable, Hashable {
  public var current: ThreadID?
  public var inUserMode: Bool

  public init(current: ThreadID?, inUserMode: Bool) {
    self.current = current
    self.inUserMode = inUserMode
  }

  /// An idle CPU.
  public static let idle = CPUSlot(current: nil, inUserMode: false)
}
