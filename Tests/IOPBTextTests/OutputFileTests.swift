import Foundation
import IOPBText
import Testing

@Suite struct OutputFileTests {
  /// A fresh folder for one test.
  func folder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("iopb-out-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  func contents(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) }
  }

  /// The names in `folder`, to see that no temporary file was left behind.
  func names(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
  }

  @Test func writesANewFileAndReplacesARegularOneKeepingItsMode() throws {
    let folder = try folder()
    let path = folder + "/p.profile"
    try OutputFile(path: path).write("one\n")
    #expect(contents(path) == "one\n")
    chmod(path, 0o640)
    try OutputFile(path: path).write("two\n")
    #expect(contents(path) == "two\n")
    var status = stat()
    #expect(stat(path, &status) == 0 && status.st_mode & 0o7777 == 0o640)
    #expect(try names(folder) == ["p.profile"])
  }

  /// A name without a folder lands in the current folder; the test leaves the process's current
  /// folder alone, since the other suites run beside it.
  @Test func aBareNameIsWrittenInTheCurrentFolder() throws {
    let name = "iopb-bare-\(UUID().uuidString).txt"
    defer { try? FileManager.default.removeItem(atPath: name) }
    try OutputFile(path: name).write("x")
    #expect(contents(FileManager.default.currentDirectoryPath + "/" + name) == "x")
  }

  @Test func aSymbolicLinkIsRefusedAndItsTargetUntouched() throws {
    let folder = try folder()
    let target = folder + "/target"
    try OutputFile(path: target).write("kept\n")
    #expect(symlink(target, folder + "/link") == 0)
    #expect(throws: OutputError(path: folder + "/link", reason: .notRegular(kind: "symbolic link"))) {
      try OutputFile(path: folder + "/link").write("new\n")
    }
    #expect(contents(target) == "kept\n")
    var status = stat()
    #expect(lstat(folder + "/link", &status) == 0 && status.st_mode & S_IFMT == S_IFLNK)
    #expect(try names(folder) == ["link", "target"])
  }

  @Test func aFIFOAFolderAndADeviceAreRefused() throws {
    let folder = try folder()
    #expect(mkfifo(folder + "/fifo", 0o600) == 0)
    let cases: [(String, String)] = [
      (folder + "/fifo", "FIFO"),
      (folder, "folder"),
      (folder + "/", "folder"),
      ("/dev/null", "character device"),
    ]
    for (path, kind) in cases {
      #expect(throws: OutputError(path: path, reason: .notRegular(kind: kind))) { try OutputFile(path: path).write("x") }
    }
    var status = stat()
    #expect(lstat(folder + "/fifo", &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
    #expect(try names(folder) == ["fifo"])
  }

  @Test func aMissingFolderIsNamed() throws {
    let path = try folder() + "/no/such/x.scn"
    let error = #expect(throws: OutputError.self) { try OutputFile(path: path).write("x") }
    #expect(error?.description == "\(path): cannot write: its folder does not exist")
  }

  @Test func messagesSayWhatThePathIsAndEscapeIt() {
    let error = OutputError(path: "/tmp/a\u{0}b", reason: .notRegular(kind: "symbolic link"))
    #expect(error.description == #"/tmp/a\0b: cannot write: is a symbolic link; only a new path or a regular file is written"#)
  }
}
