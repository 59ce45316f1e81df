import Foundation

/// A folder or file that could not be created, with the operating system's reason.
///
/// Foundation on Linux describes a failed write as "The operation could not be completed.
/// (NSCocoaErrorDomain error 512.)"; the reason kept here is the `strerror` text of the errno
/// underneath (`Not a directory`), as `mkdir(1)` or `cp(1)` would print it.
public struct FileWriteError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What was being done to the path.
  public enum Operation: Sendable, Hashable {
    case createFolder
    case write
  }

  public var path: String
  public var operation: Operation
  /// Why it failed, e.g. `Not a directory`.
  public var reason: String

  public init(path: String, operation: Operation, reason: String) {
    self.path = path
    self.operation = operation
    self.reason = reason
  }

  /// Names `path` and the reason carried by `error`, an error Foundation threw for it.
  public init(path: String, operation: Operation, underlying error: any Error) {
    self.init(path: path, operation: operation, reason: Self.reason(error))
  }

  /// `PATH: cannot create the folder: REASON` or `PATH: cannot write: REASON`.
  public var description: String {
    switch operation {
    case .createFolder: "\(path): cannot create the folder: \(reason)"
    case .write: "\(path): cannot write: \(reason)"
    }
  }

  private static func reason(_ error: any Error) -> String {
    let posix = (error as? CocoaError)?.underlying as? POSIXError ?? error as? POSIXError
    if let posix { return String(cString: strerror(posix.code.rawValue)) }
    return error.localizedDescription
  }
}
