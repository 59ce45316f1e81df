/// The error numbers the modelled system calls return, with Linux x86-64 values.
public enum Errno: Int32, Error, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
  /// `EPERM`: the caller lacks CAP_SYS_RAWIO, or lockdown forbids raw I/O.
  case notPermitted = 1
  /// `ENOMEM`: `kmalloc`/`kmemdup` of the 8 KiB `struct io_bitmap` failed, or fork failed.
  case noMemory = 12
  /// `EINVAL`: a range that is empty, wraps, or ends past port 65535; an IOPL above 3.
  case invalidArgument = 22
  /// `ENOSYS`: the kernel was built without CONFIG_X86_IOPL_IOPERM.
  case notImplemented = 38

  /// The C name, e.g. `EPERM`.
  public var name: String {
    switch self {
    case .notPermitted: "EPERM"
    case .noMemory: "ENOMEM"
    case .invalidArgument: "EINVAL"
    case .notImplemented: "ENOSYS"
    }
  }

  /// The errno whose C name is `name`, or nil.
  public init?(name: String) {
    guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
    self = match
  }

  public var description: String { name }
}
