#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file a command writes its result to (`calibrate -o`, `check --counterexample`, …): a new
/// path or an existing regular file, replaced whole or not at all.
///
/// The text goes to a temporary file in the same folder, which is then renamed over the path
/// (`rename(2)` is atomic within one file system), so a reader sees the old file or the new one,
/// never half of one. Anything else the path may name is refused before a byte is written: a
/// symbolic link (renaming over it would replace the link and leave its target as it was), a
/// FIFO, a device, a socket or a folder.
public struct OutputFile: Sendable, Hashable {
  /// The path as the user gave it.
  public var path: String

  public init(path: String) { self.path = path }

  /// Replaces the file at ``path`` with `text`, or creates it. A new file gets mode 0666 less the
  /// umask; a replaced file keeps its mode.
  ///
  /// - Throws: ``OutputError`` naming the path and why, and then nothing has changed on disk.
  public func write(_ text: String) throws(OutputError) {
    guard !path.isEmpty else { throw OutputError(path: path, reason: .system("the path is empty")) }
    let mode = try modeToKeep()
    let folder = Self.folder(of: path)
    let (temporary, descriptor) = try createTemporary(in: folder, mode: mode)
    do throws(OutputError) {
      try Self.writeAll(Array(text.utf8), to: descriptor, path: path)
      if let mode { fchmod(descriptor, mode) }
      guard fsync(descriptor) == 0 else { throw OutputError(path: path, reason: .system(Self.text(errno: errno))) }
      guard close(descriptor) == 0 else {
        throw OutputError(path: path, reason: .system(Self.text(errno: errno)))
      }
    } catch {
      unlink(temporary)
      throw error
    }
    guard rename(temporary, path) == 0 else {
      let reason = Self.reason(errno: errno)
      unlink(temporary)
      throw OutputError(path: path, reason: reason)
    }
  }

  /// The mode of the regular file at ``path``, nil when nothing is there yet.
  private func modeToKeep() throws(OutputError) -> mode_t? {
    var status = stat()
    guard lstat(path, &status) == 0 else {
      let code = errno
      if code == ENOENT { return nil }
      throw OutputError(path: path, reason: Self.reason(errno: code))
    }
    switch status.st_mode & S_IFMT {
    case S_IFREG:
      guard access(path, W_OK) == 0 else { throw OutputError(path: path, reason: Self.reason(errno: errno)) }
      return status.st_mode & 0o7777
    case S_IFLNK: throw OutputError(path: path, reason: .notRegular(kind: "symbolic link"))
    case S_IFDIR: throw OutputError(path: path, reason: .notRegular(kind: "folder"))
    case S_IFIFO: throw OutputError(path: path, reason: .notRegular(kind: "FIFO"))
    case S_IFCHR: throw OutputError(path: path, reason: .notRegular(kind: "character device"))
    case S_IFBLK: throw OutputError(path: path, reason: .notRegular(kind: "block device"))
    case S_IFSOCK: throw OutputError(path: path, reason: .notRegular(kind: "socket"))
    default: throw OutputError(path: path, reason: .notRegular(kind: "special file"))
    }
  }

  /// Creates `FOLDER/.NAME.iopb-PID-N` exclusively (never following or reusing an existing one).
  private func createTemporary(in folder: String, mode: mode_t?) throws(OutputError) -> (String, Int32) {
    let name = path.split(separator: "/").last.map(String.init) ?? "output"
    for attempt in 0..<100 {
      let candidate = "\(folder)/.\(name).iopb-\(getpid())-\(attempt)"
      let descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode ?? 0o666)
      if descriptor >= 0 { return (candidate, descriptor) }
      let code = errno
      if code == EEXIST { continue }
      if code == ENOENT || code == ENOTDIR { throw OutputError(path: path, reason: .noFolder) }
      throw OutputError(path: path, reason: Self.reason(errno: code))
    }
    throw OutputError(path: path, reason: .system("cannot create a temporary file beside it"))
  }

  private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(OutputError) {
    var written = 0
    while written < bytes.count {
      let result = bytes.withUnsafeBytes { buffer -> Int in
        guard let base = buffer.baseAddress else { return 0 }
        return writeBytes(descriptor, base + written, buffer.count - written)
      }
      if result < 0 {
        if errno == EINTR { continue }
        throw OutputError(path: path, reason: reason(errno: errno))
      }
      written += result
    }
  }

  /// The folder part of `path`: `.` for a bare name, `/` for a file at the root.
  private static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let folder = path[..<slash]
    return folder.isEmpty ? "/" : String(folder)
  }

  private static func reason(errno code: Int32) -> OutputError.Reason {
    switch code {
    case EACCES, EPERM, EROFS: .permissionDenied
    case ENOENT, ENOTDIR: .noFolder
    case EISDIR: .notRegular(kind: "folder")
    default: .system(text(errno: code))
    }
  }

  private static func text(errno code: Int32) -> String { String(cString: strerror(code)) }
}

/// `write(2)`, out of the reach of ``OutputFile/write(_:)``'s name.
private func writeBytes(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, bytes, count)
}
