/// A task's name as the kernel keeps it: `task_struct.comm`, at most `TASK_COMM_LEN` (16)
/// bytes including the terminating NUL, held inline so that parsing a trace allocates nothing.
///
/// Longer text is cut to 15 bytes, as `__set_task_comm()` (`strscpy_pad`) cuts it.
public struct TaskName: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The bytes, NUL-padded, little end first.
  private var low: UInt64 = 0
  private var high: UInt64 = 0

  /// The longest name, in bytes (`TASK_COMM_LEN - 1`).
  public static let maximumLength = 15

  public init() {}

  /// The first 15 bytes of `bytes`.
  public init(_ bytes: UnsafeBufferPointer<UInt8>) {
    for index in 0..<min(bytes.count, Self.maximumLength) {
      let shift = UInt64((index % 8) * 8)
      if index < 8 { low |= UInt64(bytes[index]) << shift } else { high |= UInt64(bytes[index]) << shift }
    }
  }

  /// The first 15 bytes of `text`'s UTF-8.
  public init(_ text: String) {
    var copy = text
    self = copy.withUTF8 { TaskName($0) }
  }

  /// `comm` after `execve(filename)`: the file name's last component (`kbasename()`), cut to 15
  /// bytes (`begin_new_exec()` → `__set_task_comm()`).
  public init(executing filename: UnsafeBufferPointer<UInt8>) {
    let slash = filename.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
    self.init(UnsafeBufferPointer(rebasing: filename[slash...]))
  }

  public var isEmpty: Bool { low == 0 }

  /// The name's bytes.
  public var bytes: [UInt8] {
    var result: [UInt8] = []
    for index in 0..<Self.maximumLength {
      let word = index < 8 ? low : high
      let byte = UInt8(truncatingIfNeeded: word >> UInt64((index % 8) * 8))
      if byte == 0 { break }
      result.append(byte)
    }
    return result
  }

  public var description: String { String(decoding: bytes, as: UTF8.self) }

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}
