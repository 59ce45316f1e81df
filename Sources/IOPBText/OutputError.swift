/// Why an ``OutputFile`` was not written. Nothing on disk changed.
public struct OutputError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Reason: Sendable, Hashable {
    /// The path names something other than a regular file: a `symbolic link`, a `folder`, a
    /// `FIFO`, a `character device`, ….
    case notRegular(kind: String)
    /// The folder the file would go in does not exist (or a part of the path is not a folder).
    case noFolder
    /// The file or its folder may not be written (EACCES, EPERM, EROFS).
    case permissionDenied
    /// Any other failure, with `strerror`'s text (`No space left on device`).
    case system(String)
  }

  public var path: String
  public var reason: Reason

  public init(path: String, reason: Reason) {
    self.path = path
    self.reason = reason
  }

  /// The reason alone: `is a symbolic link; only a new path or a regular file is written`, ….
  public var message: String {
    switch reason {
    case .notRegular(let kind): "is a \(kind); only a new path or a regular file is written"
    case .noFolder: "its folder does not exist"
    case .permissionDenied: "permission denied"
    case .system(let text): text
    }
  }

  /// `PATH: cannot write: REASON`, the path's control characters escaped.
  public var description: String { "\(path.controlCharactersEscaped): cannot write: \(message)" }
}
