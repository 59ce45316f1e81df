/// A thread (Linux's `task_struct`, which the kernel calls a task), numbered from 0 in
/// creation order.
public struct ThreadID: RawRepresentable, Sendable, Hashable, Codable, CodingKeyRepresentable, Comparable, CustomStringConvertible {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }
  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
  public var description: String { "thread\(rawValue)" }
}

/// A process (a Linux thread group), numbered from 0 in creation order.
public struct ProcessID: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }
  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
  public var description: String { "process\(rawValue)" }
}

/// One allocation of a `struct io_bitmap`, numbered in allocation order.
public struct BitmapID: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }
  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
  public var description: String { "bitmap\(rawValue)" }
}
