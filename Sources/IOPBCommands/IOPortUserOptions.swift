import ArgumentParser
import IOPBSimulator

/// The trace's I/O-port users (`--ioperm`), read the same way by `replay`, `report --trace` and
/// `bench --replay` (``IOPortUser``, docs/replay.md).
struct IOPortUserOptions: ParsableArguments {
  @Option(
    name: .customLong("ioperm"),
    help: "Make a trace's tasks I/O-port users: 'comm=NAME:0x378-0x37a', 'pid=N:0x80', 'comm=NAME:iopl3[:PORTS]' (repeatable).")
  var specifications: [String] = []

  /// The users, each specification parsed; a malformed one is a usage error naming it.
  func users() throws(ValidationError) -> [IOPortUser] {
    var users: [IOPortUser] = []
    for specification in specifications {
      do { users.append(try IOPortUser(parsing: specification)) } catch { throw ValidationError(error.description) }
    }
    return users
  }
}
