import IOPBCPU
import IOPBKernel
import IOPBMachine

/// A parsed scenario file: machine set-up and an ordered list of steps with expectations.
/// The text format is documented in `docs/scenarios.md`.
public struct Scenario: Sendable, Hashable {
  /// Where the scenario came from, used in every message (a path, or a generated name).
  public var source: String
  public var cpuCount = 1
  public var kernel = KernelConfiguration()
  public var steps: [ScenarioStep] = []

  public init(source: String) { self.source = source }
}

/// A position in a scenario file, 1-based.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var line: Int
  public var column: Int

  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public static func < (lhs: Self, rhs: Self) -> Bool {
    (lhs.line, lhs.column) < (rhs.line, rhs.column)
  }

  public var description: String { "\(line):\(column)" }
}

/// One line of a scenario that does something.
public struct ScenarioStep: Sendable, Hashable {
  public var location: SourceLocation
  public var action: ScenarioAction
  public var expectation: Expectation?
  /// The step as written, without comment or expectation.
  public var text: String
}

/// What a scenario step does. Threads are named as in the file.
public enum ScenarioAction: Sendable, Hashable {
  case process(name: String, cpu: Int, credentials: Credentials)
  case syscall(thread: String, ScenarioCall)
  case migrate(thread: String, cpu: Int)
  case access(thread: String, IOAccess)
  case interruptFlag(thread: String, InterruptFlagInstruction)
  case contextSwitch(cpu: Int, to: String?)
  case returnToUser(cpu: Int)
  case vmExit(cpu: Int)
  case failNextAllocation

  /// The thread that acts, for thread steps.
  public var actor: String? {
    switch self {
    case .syscall(let thread, _), .migrate(let thread, _), .access(let thread, _),
      .interruptFlag(let thread, _):
      thread
    default: nil
    }
  }
}

/// A system call as a scenario names it; children are named, not numbered.
public enum ScenarioCall: Sendable, Hashable {
  case ioperm(from: UInt64, count: UInt64, turnOn: Bool)
  case iopl(level: UInt32)
  case fork(child: String, cpu: Int?)
  case thread(child: String, cpu: Int?)
  case exec
  case exit
  case setresuid(uid: UInt32)
}

/// The outcome a step must have.
public enum Expectation: Sendable, Hashable, CustomStringConvertible {
  case ok
  case errno(Errno)
  case allow
  case deny
  case interruptFlag(InterruptFlagOutcome)

  /// True when `outcome` meets the expectation.
  public func isMet(by outcome: StepOutcome) -> Bool {
    switch (self, outcome) {
    case (.ok, .syscall(nil, _)): true
    case (.errno(let expected), .syscall(let actual?, _)): expected == actual
    case (.allow, .access(let access)): access.allowed
    case (.deny, .access(let access)): !access.allowed
    case (.interruptFlag(let expected), .interruptFlag(let actual)): expected == actual
    default: false
    }
  }

  public var description: String {
    switch self {
    case .ok: "ok"
    case .errno(let errno): errno.name
    case .allow: "allow"
    case .deny: "deny"
    case .interruptFlag(let outcome): outcome.rawValue
    }
  }
}
