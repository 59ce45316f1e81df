import IOPBText

/// A malformed line of a profile file or of `--set` text, or (line 0) a file that cannot be read.
public struct ProfileError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The file name as given.
  public var source: String
  /// 1-based line number; 0 when the whole file is at fault (unreadable).
  public var line: Int
  /// 1-based column (in Unicode scalars) when one character is at fault (invalid UTF-8); else 0.
  public var column: Int
  public var message: String

  public init(source: String, line: Int, column: Int = 0, message: String) {
    self.source = source
    self.line = line
    self.column = column
    self.message = message
  }

  /// The reader's failure to read the file: missing, a folder, a device, invalid UTF-8, too large.
  public init(_ error: InputError) {
    self.init(source: error.path, line: error.line, column: error.column, message: error.message)
  }

  /// `FILE:LINE: what is wrong` (`FILE:LINE:COLUMN: …` with a column, `FILE: …` for line 0),
  /// with the control characters of the name and of the text it quotes escaped (`\0`, `\t`).
  public var description: String {
    let place = line == 0 ? "" : column == 0 ? ":\(line)" : ":\(line):\(column)"
    return "\(source.controlCharactersEscaped)\(place): \(message.controlCharactersEscaped)"
  }
}
