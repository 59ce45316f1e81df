import Foundation
import IOPBOracle
import IOPBScenario
import Testing

/// ``QEMUGuest``'s handling of the boot script, with shell scripts standing in for
/// `scripts/oracle-boot`: no QEMU is needed.
@Suite(.timeLimit(.minutes(1)))
struct QEMUGuestTests {
  let program: GuestProgram

  init() throws {
    program = GuestProgram.compile([
      try ScenarioParser.parse("process a cpu0\na: ioperm 0x80 1 on\na: inb 0x80\n", source: "t.scn")
    ])
  }

  /// Writes an executable shell script with `body` and returns its path.
  func bootScript(_ body: String) throws -> String {
    let script = try TemporaryDirectory().file("oracle-boot", "#!/bin/sh\n" + body)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
    return script
  }

  /// A chatty script: 2 MB on standard error before anything on standard output, then 2 MB of
  /// noise and the protocol lines. Reading one stream to its end before the other would stall.
  @Test func bothStreamsAreDrainedAndTheProgramAndKernelArePassed() async throws {
    let script = try bootScript(
      """
      yes 'console line' | head -n 150000 >&2
      yes 'noise' | head -n 300000
      echo "I kernel $3"
      sed -n 's/^step \\([0-9]*\\) .*/R 0 \\1 ok/p' "$1"
      echo DONE
      """)
    let transcript = try await QEMUGuest(bootScript: script, kernel: "/boot/vmlinuz-test").run(program)
    #expect(transcript.finished)
    #expect(transcript.information["kernel"] == "/boot/vmlinuz-test")
    #expect(transcript.results == [0: [1: "ok", 2: "ok"]])
  }

  /// A Debian kernel goes to the script as `--release NAME`, an image after it as `--kernel PATH`.
  @Test(arguments: [
    (OracleKernel?.some(.trixie), String?.none, "--release trixie"),
    (.bookworm, "/boot/x", "--release bookworm --kernel /boot/x"),
    (nil, "/boot/x", "--kernel /boot/x"),
  ])
  func releaseAndImageArePassed(_ release: OracleKernel?, _ image: String?, _ arguments: String) async throws {
    let script = try bootScript(
      """
      shift
      echo "I kernel $*"
      echo DONE
      """)
    let transcript = try await QEMUGuest(bootScript: script, release: release, kernel: image).run(program)
    #expect(transcript.information["kernel"] == arguments)
  }

  /// How a script ends without `DONE`, and how the error must say so.
  struct Ending: Sendable, CustomTestStringConvertible {
    var command: String
    var status: String
    var testDescription: String { status }
  }

  @Test(arguments: [
    Ending(command: "exit 3", status: "exited 3"),
    Ending(command: "exit 0", status: "exited 0"),
    Ending(command: "kill -9 $$", status: "was killed by signal 9"),
  ])
  func unfinishedRunCarriesStatusOutputAndErrorTail(_ ending: Ending) async throws {
    let script = try bootScript(
      """
      echo 'I kernel 6.1.0-test'
      echo 'R 0 1 ok'
      i=1; while [ $i -le 100 ]; do echo "console $i" >&2; i=$((i + 1)); done
      \(ending.command)
      """)
    let error = await #expect(throws: GuestRunError.self) {
      try await QEMUGuest(bootScript: script).run(program)
    }
    let tail = (61...100).map { "console \($0)" }.joined(separator: "\n")
    #expect(
      error?.message
        == "the guest did not finish (\(script) \(ending.status)); it printed:\nI kernel 6.1.0-test\nR 0 1 ok\n\(tail)")
    #expect(error?.partial.results == [0: [1: "ok"]])
    #expect(error?.partial.finished == false)
  }

  @Test func missingBootScriptCannotRun() async {
    let error = await #expect(throws: GuestRunError.self) {
      try await QEMUGuest(bootScript: "/nonexistent/oracle-boot").run(program)
    }
    #expect(error?.message.hasPrefix("cannot run /nonexistent/oracle-boot: ") == true)
    #expect(error?.partial == GuestTranscript())
  }
}
