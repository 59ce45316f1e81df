/// Why a text input (a scenario, a profile, a trace) could not be read, with where it failed.
///
/// Line and column are 1-based; both are 0 when the problem is the whole input (it is missing,
/// a folder, a device, unreadable).
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What went wrong.
  public enum Reason: Sendable, Equatable {
    /// `open(2)` said ENOENT or ENOTDIR.
    case missing
    /// `open(2)` or `read(2)` said EACCES or EPERM.
    case permissionDenied
    /// The path names a folder.
    case isDirectory
    /// The path names a character or block device or a socket, which a file reader must not
    /// consume (`/dev/zero` never ends; `/dev/full` is not text).
    case notAFile(kind: String)
    /// The input is longer than the reader's limit, in bytes.
    case tooLarge(limit: Int)
    /// A byte that does not continue or start a valid UTF-8 sequence.
    case invalidUTF8
    /// Any other failure of `open(2)` or `read(2)`, with `strerror`'s text.
    case system(String)
  }

  /// The input's name as the user gave it (`-` for standard input).
  public var path: String
  public var line: Int
  public var column: Int
  public var reason: Reason

  public init(path: String, line: Int = 0, column: Int = 0, reason: Reason) {
    self.path = path
    self.line = line
    self.column = column
    self.reason = reason
  }

  /// The reason alone, as one sentence fragment: `no such file`, `is a folder`, ….
  public var message: String {
    switch reason {
    case .missing: "no such file"
    case .permissionDenied: "permission denied"
    case .isDirectory: "is a folder, not a file"
    case .notAFile(let kind): "is a \(kind), not a file"
    case .tooLarge(let limit): "is larger than the limit of \(limit) bytes"
    case .invalidUTF8: "the text is not valid UTF-8 here"
    case .system(let text): text
    }
  }

  /// `PATH:LINE:COLUMN: error: MESSAGE`, the compilers' form that editors jump to.
  public var description: String { "\(path):\(line):\(column): error: \(message)" }
}
