import IOPBTrace

/// A task of a replayed trace made an I/O-port user (`iopb replay --ioperm SPEC`): which tasks,
/// what they are granted, and which ports they touch each time they run.
///
/// `SPEC` is `SELECTOR:GRANT`:
/// - `SELECTOR` is `comm=NAME` (the task's `comm`, as the trace's events give it, at most 15
///   bytes) or `pid=N` (the task N, and every task of thread group N where the trace shows
///   TGIDs);
/// - `GRANT` is a port range `0x378-0x37a`, a single port `0x80`, several joined by `,`
///   (each an `ioperm(from, count, 1)`), or `iopl3` (`iopl(3)`), optionally followed by
///   `:PORTS` to say which ports the task touches (by default port 0x80, the POST diagnostic
///   port Linux's own `outb_p()` delays use).
public struct IOPortUser: Sendable, Hashable, CustomStringConvertible {
  /// Which tasks.
  public enum Selector: Sendable, Hashable, CustomStringConvertible {
    case name(TaskName)
    case pid(Int32)

    public var description: String {
      switch self {
      case .name(let name): "comm=\(name)"
      case .pid(let pid): "pid=\(pid)"
      }
    }
  }

  public var selector: Selector
  /// The permission requests, made the first time a selected task runs without holding them.
  public var grants: [Program.Grant]
  /// The ports the task touches, in turn, each time it runs.
  public var ports: [UInt16]
  /// The specification as given.
  public var description: String

  /// The default port of an `iopl3` user: 0x80, the POST diagnostic port.
  public static let defaultIOPLPort: UInt16 = 0x80

  /// Reads `spec`.
  ///
  /// - Throws: ``IOPortUserError`` naming what is wrong.
  public init(parsing spec: String) throws(IOPortUserError) {
    description = spec
    let parts = spec.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    guard parts.count >= 2 else { throw IOPortUserError(spec: spec, problem: "expected SELECTOR:GRANT") }
    if parts[0].hasPrefix("comm=") {
      let name = String(parts[0].dropFirst(5))
      guard !name.isEmpty, name.utf8.count <= TaskName.maximumLength else {
        throw IOPortUserError(spec: spec, problem: "comm= needs a name of 1 to 15 bytes")
      }
      selector = .name(TaskName(name))
    } else if parts[0].hasPrefix("pid="), let pid = Int32(parts[0].dropFirst(4)), pid > 0 {
      selector = .pid(pid)
    } else {
      throw IOPortUserError(spec: spec, problem: "the selector must be comm=NAME or pid=N (N > 0)")
    }
    if parts[1] == "iopl3" {
      grants = [.iopl3]
      ports = parts.count > 2 ? try Self.ports(parts[2], spec: spec).flatMap { Array($0) } : [Self.defaultIOPLPort]
    } else {
      guard parts.count == 2 else { throw IOPortUserError(spec: spec, problem: "only iopl3 takes :PORTS") }
      let ranges = try Self.ports(parts[1], spec: spec)
      grants = ranges.map { .ioperm(from: $0.lowerBound, count: $0.count) }
      ports = ranges.flatMap { Array($0) }
    }
    guard ports.count <= 4096 else { throw IOPortUserError(spec: spec, problem: "at most 4096 ports") }
  }

  /// `0x378-0x37a,0x80`: ranges of ports (hexadecimal with 0x, or decimal).
  private static func ports(_ text: String, spec: String) throws(IOPortUserError) -> [ClosedRange<UInt16>] {
    var ranges: [ClosedRange<UInt16>] = []
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      let ends = item.split(separator: "-", omittingEmptySubsequences: false)
      guard (1...2).contains(ends.count), let low = port(ends[0]), let high = port(ends[ends.count - 1]), low <= high
      else {
        throw IOPortUserError(
          spec: spec, problem: "'\(item)' is not a port or a range of ports 0x0-0xffff (e.g. 0x378-0x37a)")
      }
      ranges.append(low...high)
    }
    return ranges
  }

  private static func port(_ text: Substring) -> UInt16? {
    text.hasPrefix("0x") || text.hasPrefix("0X") ? UInt16(text.dropFirst(2), radix: 16) : UInt16(text)
  }

  /// True when this specification selects the task `pid` of thread group `tgid` named `name`.
  func selects(pid: Int32, tgid: Int32?, name: TaskName) -> Bool {
    switch selector {
    case .name(let wanted): name == wanted
    case .pid(let wanted): pid == wanted || tgid == wanted
    }
  }
}

/// A malformed `--ioperm` specification.
public struct IOPortUserError: Error, Sendable, Hashable, CustomStringConvertible {
  public var spec: String
  public var problem: String
  public var description: String { "--ioperm '\(spec)': \(problem)" }
}
