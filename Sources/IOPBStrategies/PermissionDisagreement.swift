import IOPBKernel

/// One disagreement of the double check, in the strategies layer's terms: what the CPU did to
/// `thread` on `cpu` against what Linux ≥ 5.5 entitles it to. The simulator maps its
/// violations onto this so that a design can say whether a limitation it declares explains one.
public struct PermissionDisagreement: Sendable, Hashable {
  public enum Kind: Sendable, Hashable {
    /// The CPU allowed `ports`, which the thread is not entitled to.
    case leak
    /// The CPU refused `ports`, which the thread is entitled to.
    case wrongDenial
    /// User mode executed CLI or STI (`ports` is nil).
    case interruptFlagChanged
  }

  public var kind: Kind
  public var thread: ThreadID
  public var cpu: Int
  /// The ports of the access; nil for ``Kind/interruptFlagChanged``.
  public var ports: ClosedRange<Int>?

  public init(_ kind: Kind, thread: ThreadID, cpu: Int, ports: ClosedRange<Int>? = nil) {
    self.kind = kind
    self.thread = thread
    self.cpu = cpu
    self.ports = ports
  }
}
