/// A malformed line of a profile file or of `--set` text, or (line 0) a file that cannot be read.
public struct ProfileError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The file name as given.
  public var source: String
  /// 1-based line number; 0 when the whole file is at fault (unreadable).
  public var line: Int
  public var message: String

  public init(source: String, line: Int, message: String) {
    self.source = source
    self.line = line
    self.message = message
  }

  /// `FILE:LINE: what is wrong` (`FILE: what is wrong` for line 0).
  public var description: String {
    line > 0 ? "\(source):\(line): \(message)" : "\(source): \(message)"
  }
}
