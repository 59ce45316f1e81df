/// A broken invariant of the kernel model (reference §10): what a checker must never see after
/// a step of a correct kernel.
public enum KernelInvariantViolation: Sendable, Hashable, Codable, CustomStringConvertible {
  /// TIF_IO_BITMAP of a live thread disagrees with (a bitmap or level 3), the rule of
  /// `task_update_io_bitmap()` that 8b68e978718f made exact.
  case ioBitmapFlag(ThreadID, isSet: Bool)
  /// A live thread points at a bitmap that was freed.
  case freedBitmapReferenced(ThreadID, BitmapID)
  /// A bitmap's `refcnt` differs from the number of live threads pointing at it.
  case referenceCount(BitmapID, count: Int, references: Int)
  /// A bitmap whose every port is denied is still allocated (`ksys_ioperm()` frees it).
  case allPortsDenied(BitmapID)
  /// A bitmap's `max` does not end with the last long holding a zero bit.
  case extent(BitmapID, maxBytes: Int, lastWordWithZeroBit: Int)

  // Names for the unlabelled values in the Codable form.
  enum IoBitmapFlagCodingKeys: String, CodingKey { case _0 = "thread", isSet }
  enum FreedBitmapReferencedCodingKeys: String, CodingKey { case _0 = "thread", _1 = "bitmap" }
  enum ReferenceCountCodingKeys: String, CodingKey { case _0 = "bitmap", count, references }
  enum AllPortsDeniedCodingKeys: String, CodingKey { case _0 = "bitmap" }
  enum ExtentCodingKeys: String, CodingKey { case _0 = "bitmap", maxBytes, lastWordWithZeroBit }

  public var description: String {
    switch self {
    case .ioBitmapFlag(let thread, let isSet):
      "\(thread): TIF_IO_BITMAP is \(isSet), expected \(!isSet)"
    case .freedBitmapReferenced(let thread, let bitmap): "\(thread) points at freed \(bitmap)"
    case .referenceCount(let bitmap, let count, let references):
      "\(bitmap): refcount \(count), \(references) references"
    case .allPortsDenied(let bitmap): "\(bitmap): all ports denied but still allocated"
    case .extent(let bitmap, let maxBytes, let last):
      "\(bitmap): max \(maxBytes) bytes, zero bits end in word \(last)"
    }
  }
}
