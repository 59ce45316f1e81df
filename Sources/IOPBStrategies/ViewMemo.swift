import IOPBKernel

/// What a design derived from the last few bitmap views it installed (the runs of
/// ``PortExtents``, a zero-bit range), so that a switch back to a recent thread does not scan
/// its 8 KiB bitmap again. A memo, not state: a bitmap's id and sequence name its contents
/// (Linux bumps the sequence at every change), so an entry stays right while that view exists.
/// Under a kernel deviation that changes a bitmap without a new sequence that no longer holds,
/// and the designs using the memo bypass it there.
///
/// Every memo equals every other and hashes as nothing, so it changes no state's identity, and
/// a renumbering empties it.
public struct ViewMemo<Value: Sendable>: Sendable, Hashable {
  /// Most recent last.
  private var entries: [(view: PortView, value: Value)] = []
  /// Views remembered.
  public static var capacity: Int { 4 }

  public init() {}

  /// The value for `view`, from the memo or computed by `compute` and remembered.
  public mutating func value(of view: PortView, compute: () -> Value) -> Value {
    if let index = entries.lastIndex(where: { $0.view == view }) { return entries[index].value }
    let value = compute()
    if entries.count == Self.capacity { entries.removeFirst() }
    entries.append((view, value))
    return value
  }

  public static func == (lhs: Self, rhs: Self) -> Bool { true }
  public func hash(into hasher: inout Hasher) {}
}
