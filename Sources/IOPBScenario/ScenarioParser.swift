import IOPBCPU
import IOPBKernel
import IOPBText

/// Parses the scenario text format (`docs/scenarios.md`), collecting every error.
public struct ScenarioParser {
  private struct Token {
    var text: Substring
    var column: Int
  }

  private var scenario: Scenario
  private var errors: [ScenarioError] = []
  private var names: Set<String> = []
  /// Names of the threads `ioworker` steps create.
  private var workers: Set<String> = []
  private var sawStep = false
  private var line = 0

  private init(source: String) { scenario = Scenario(source: source) }

  /// The most problems reported for one file; parsing stops at the next one, so a file of
  /// garbage costs neither unbounded memory nor an unbounded report.
  public static let errorLimit = 100

  /// Parses `text`; `source` names it in messages. Lines end at `\n` (or `\r\n`) only.
  public static func parse(_ text: String, source: String) throws(ScenarioErrors) -> Scenario {
    var parser = ScenarioParser(source: source)
    for line in LineReader.lines(of: text) {
      guard parser.take(line) else { break }
    }
    return try parser.finish()
  }

  /// Parses the lines of `reader` as they are read, so the text is never held whole; the
  /// scenario's ``Scenario/source`` is the reader's path.
  ///
  /// - Throws: ``ScenarioErrors`` with the problems of the lines read, then the reader's own
  ///   (invalid UTF-8 at its line and column, the byte limit, a read failure), if any.
  public static func parse(_ reader: LineReader) throws(ScenarioErrors) -> Scenario {
    var parser = ScenarioParser(source: reader.path)
    do throws(InputError) {
      while let line = try reader.nextLine(), parser.take(Substring(line)) {}
    } catch {
      parser.errors.append(ScenarioError(error))
    }
    return try parser.finish()
  }

  /// Parses the next line; false once ``errorLimit`` problems were found (the last saying so).
  private mutating func take(_ text: Substring) -> Bool {
    line += 1
    parseLine(text)
    guard errors.count >= Self.errorLimit else { return true }
    error("stopping after \(Self.errorLimit) problems", column: 0)
    return false
  }

  private func finish() throws(ScenarioErrors) -> Scenario {
    guard errors.isEmpty else { throw ScenarioErrors(errors) }
    return scenario
  }

  private mutating func error(_ message: String, column: Int) {
    errors.append(
      ScenarioError(
        source: scenario.source, location: SourceLocation(line: line, column: column),
        message: message))
  }

  /// Splits a line at spaces, tabs and carriage returns; a column counts Unicode scalars from 1,
  /// as ``LineReader`` counts them for invalid UTF-8.
  private static func tokenize(_ text: Substring) -> [Token] {
    var tokens: [Token] = []
    let scalars = text.unicodeScalars
    var start: String.Index?
    var column = 1
    var startColumn = 1
    var index = scalars.startIndex
    while index < scalars.endIndex {
      let scalar = scalars[index]
      if scalar == " " || scalar == "\t" || scalar == "\r" {
        if let begin = start { tokens.append(Token(text: Substring(scalars[begin..<index]), column: startColumn)) }
        start = nil
      } else if start == nil {
        start = index
        startColumn = column
      }
      scalars.formIndex(after: &index)
      column += 1
    }
    if let begin = start { tokens.append(Token(text: Substring(scalars[begin...]), column: startColumn)) }
    return tokens
  }

  private mutating func parseLine(_ rawLine: Substring) {
    let scalars = rawLine.unicodeScalars
    let content = scalars.firstIndex(of: "#").map { Substring(scalars[..<$0]) } ?? rawLine
    var tokens = Self.tokenize(content)
    guard let first = tokens.first else { return }
    var expectation: Expectation?
    if let arrow = tokens.firstIndex(where: { $0.text == "->" }) {
      let after = tokens[(arrow + 1)...]
      if after.count != 1 {
        error("'->' must be followed by exactly one outcome", column: tokens[arrow].column)
        return
      }
      if ["cpus", "ports", "config"].contains(first.text) {
        error("'\(first.text)' is a header line: it has no outcome", column: tokens[arrow].column)
        return
      }
      expectation = parseExpectation(after[after.startIndex])
      if expectation == nil { return }
      tokens.removeSubrange(arrow...)
    }
    guard !tokens.isEmpty else {
      error("an expectation needs a step before it", column: first.column)
      return
    }
    let text = tokens.map(\.text).joined(separator: " ")
    guard let action = parseAction(tokens) else { return }
    if let expectation, !Self.accepts(action, expectation) {
      error("this step cannot have the outcome '\(expectation)'", column: first.column)
      return
    }
    scenario.steps.append(
      ScenarioStep(
        location: SourceLocation(line: line, column: first.column), action: action,
        expectation: expectation, text: text))
  }

  private static func accepts(_ action: ScenarioAction, _ expectation: Expectation) -> Bool {
    switch (action, expectation) {
    // `exit` does not return to its caller, so no errno can be expected of it; the step's
    // outcome is `ok` once the thread is gone, as `iopb run` prints it.
    case (.syscall(_, .exit), .ok), (.ioWorker(_, .exit), .ok): true
    case (.syscall(_, .exit), _), (.ioWorker(_, .exit), _): false
    case (.syscall, .ok), (.syscall, .errno), (.ioWorker, .ok), (.ioWorker, .errno): true
    case (.access, .allow), (.access, .deny): true
    case (.interruptFlag, .interruptFlag): true
    default: false
    }
  }

  private mutating func parseExpectation(_ token: Token) -> Expectation? {
    switch token.text {
    case "ok": return .ok
    case "allow": return .allow
    case "deny": return .deny
    case "gp": return .interruptFlag(.faulted)
    case "nop": return .interruptFlag(.skipped)
    case "exec": return .interruptFlag(.executed)
    default:
      if let errno = Errno(name: String(token.text)) { return .errno(errno) }
      error(
        "unknown outcome '\(token.text)' (ok, EINVAL, EPERM, ENOMEM, ENOSYS, allow, deny, gp, nop, exec)",
        column: token.column)
      return nil
    }
  }

  // MARK: Actions

  private mutating func parseAction(_ tokens: [Token]) -> ScenarioAction? {
    let head = tokens[0]
    if head.text.hasSuffix(":") {
      let name = String(head.text.dropLast())
      guard checkKnown(name, column: head.column) else { return nil }
      guard tokens.count >= 2 else {
        error("'\(name):' needs an operation", column: head.column)
        return nil
      }
      sawStep = true
      if workers.contains(name) { return parseWorkerStep(name, Array(tokens.dropFirst())) }
      return parseThreadStep(name, Array(tokens.dropFirst()))
    }
    switch head.text {
    case "cpus", "ports":
      guard arity(tokens, 2, usage: "\(head.text) N") else { return nil }
      if sawStep {
        error("'\(head.text)' must come before every process and step", column: head.column)
        return nil
      }
      guard let value = number(tokens[1], max: 65536) else { return nil }
      if head.text == "cpus" {
        guard (1...64).contains(value) else {
          error("cpus must be from 1 to 64", column: tokens[1].column)
          return nil
        }
        scenario.cpuCount = Int(value)
      } else {
        guard KernelConfiguration.isValidPortCount(Int(value)) else {
          error("ports must be a multiple of 64 from 64 to 65536", column: tokens[1].column)
          return nil
        }
        scenario.kernel.portCount = Int(value)
      }
      return nil
    case "config":
      let deviation = tokens.count > 1 && tokens[1].text == "deviation"
      guard
        arity(
          tokens, deviation ? 3 : 2,
          usage: deviation ? "config deviation NAME" : "config lockdown|no-iopl-ioperm|no-cli-sti-fixup|deviation NAME")
      else {
        return nil
      }
      if sawStep {
        error("'config' must come before every process and step", column: head.column)
        return nil
      }
      switch tokens[1].text {
      case "lockdown": scenario.kernel.lockdown = true
      case "no-iopl-ioperm": scenario.kernel.ioplIoperm = false
      case "no-cli-sti-fixup": scenario.kernel.fakesCLISTIAtLevel3 = false
      case "deviation":
        guard let flipped = KernelDeviation(rawValue: String(tokens[2].text)) else {
          error(
            "unknown deviation '\(tokens[2].text)' (\(KernelDeviation.allCases.map(\.rawValue).joined(separator: ", ")))",
            column: tokens[2].column)
          return nil
        }
        scenario.kernel.deviations.insert(flipped)
      default:
        error(
          "unknown config '\(tokens[1].text)' (lockdown, no-iopl-ioperm, no-cli-sti-fixup, deviation NAME)",
          column: tokens[1].column)
      }
      return nil
    case "process":
      guard tokens.count == 3 || tokens.count == 4 else {
        error("usage: process NAME cpuN [root|user]", column: head.column)
        return nil
      }
      guard let name = newName(tokens[1]), let cpu = cpu(tokens[2]) else { return nil }
      var credentials = Credentials.root
      if tokens.count == 4 {
        switch tokens[3].text {
        case "root": credentials = .root
        case "user": credentials = .user
        default:
          error("expected 'root' or 'user', found '\(tokens[3].text)'", column: tokens[3].column)
          return nil
        }
      }
      sawStep = true
      return .process(name: name, cpu: cpu, credentials: credentials)
    case "switch":
      guard arity(tokens, 3, usage: "switch cpuN THREAD|idle"), let cpu = cpu(tokens[1]) else {
        return nil
      }
      sawStep = true
      if tokens[2].text == "idle" { return .contextSwitch(cpu: cpu, to: nil) }
      let name = String(tokens[2].text)
      guard checkKnown(name, column: tokens[2].column) else { return nil }
      return .contextSwitch(cpu: cpu, to: name)
    case "return", "vmexit":
      guard arity(tokens, 2, usage: "\(head.text) cpuN"), let cpu = cpu(tokens[1]) else {
        return nil
      }
      sawStep = true
      return head.text == "return" ? .returnToUser(cpu: cpu) : .vmExit(cpu: cpu)
    case "inject":
      guard arity(tokens, 2, usage: "inject enomem") else { return nil }
      guard tokens[1].text == "enomem" else {
        error("only 'inject enomem' is known", column: tokens[1].column)
        return nil
      }
      sawStep = true
      return .failNextAllocation
    default:
      error(
        "unknown line '\(head.text)': expected cpus, ports, config, process, switch, return, vmexit, inject or 'THREAD: operation'",
        column: head.column)
      return nil
    }
  }

  private mutating func parseThreadStep(_ thread: String, _ tokens: [Token]) -> ScenarioAction? {
    let op = tokens[0]
    switch op.text {
    case "ioperm":
      guard arity(tokens, 4, usage: "ioperm FROM NUM ON"),
        let from = number(tokens[1], max: .max), let count = number(tokens[2], max: .max),
        let on = flag(tokens[3])
      else { return nil }
      return .syscall(thread: thread, .ioperm(from: from, count: count, turnOn: on))
    case "iopl":
      guard arity(tokens, 2, usage: "iopl LEVEL"), let level = level(tokens[1]) else { return nil }
      return .syscall(thread: thread, .iopl(level: level))
    case "fork", "thread":
      guard tokens.count == 2 || tokens.count == 3 else {
        error("usage: \(op.text) CHILD [cpuN]", column: op.column)
        return nil
      }
      guard let child = newName(tokens[1]) else { return nil }
      var target: CPUID?
      if tokens.count == 3 {
        guard let cpu = cpu(tokens[2]) else { return nil }
        target = cpu
      }
      let call: ScenarioCall =
        op.text == "fork" ? .fork(child: child, cpu: target) : .thread(child: child, cpu: target)
      return .syscall(thread: thread, call)
    case "exec", "exit":
      guard arity(tokens, 1, usage: String(op.text)) else { return nil }
      return .syscall(thread: thread, op.text == "exec" ? .exec : .exit)
    case "setresuid":
      guard arity(tokens, 2, usage: "setresuid UID"), let uid = number(tokens[1], max: 0xFFFF_FFFF)
      else { return nil }
      return .syscall(thread: thread, .setresuid(uid: UInt32(uid)))
    case "migrate":
      guard arity(tokens, 2, usage: "migrate cpuN"), let cpu = cpu(tokens[1]) else { return nil }
      return .migrate(thread: thread, cpu: cpu)
    case "ioworker":
      guard let (child, target) = newWorker(tokens) else { return nil }
      return .syscall(thread: thread, .ioWorker(child: child, cpu: target))
    case "cli", "sti":
      guard arity(tokens, 1, usage: String(op.text)) else { return nil }
      return .interruptFlag(thread: thread, op.text == "cli" ? .cli : .sti)
    default:
      guard let (instruction, width) = Self.portInstruction(op.text) else {
        error(
          "unknown operation '\(op.text)': expected ioperm, iopl, fork, thread, ioworker, exec, exit, setresuid, migrate, cli, sti or a port instruction (inb, outw, insl, …)",
          column: op.column)
        return nil
      }
      guard arity(tokens, 2, usage: "\(op.text) PORT"),
        let port = number(tokens[1], max: UInt64(scenario.kernel.portCount - 1))
      else { return nil }
      return .access(thread: thread, IOAccess(instruction, port: UInt16(port), width: width))
    }
  }

  /// A step of the I/O worker `thread`: it stays in the kernel, so it can only start another
  /// worker, exit, or be moved to another CPU.
  private mutating func parseWorkerStep(_ thread: String, _ tokens: [Token]) -> ScenarioAction? {
    let op = tokens[0]
    switch op.text {
    case "ioworker":
      guard let (child, target) = newWorker(tokens) else { return nil }
      return .ioWorker(thread: thread, .ioWorker(child: child, cpu: target))
    case "exit":
      guard arity(tokens, 1, usage: "exit") else { return nil }
      return .ioWorker(thread: thread, .exit)
    case "migrate":
      guard arity(tokens, 2, usage: "migrate cpuN"), let cpu = cpu(tokens[1]) else { return nil }
      return .migrate(thread: thread, cpu: cpu)
    default:
      error(
        "'\(thread)' is an I/O worker: it never returns to user mode, so it can only ioworker, exit or migrate",
        column: op.column)
      return nil
    }
  }

  /// `ioworker CHILD [cpuN]`: the new worker's name, recorded as a worker, and its CPU.
  private mutating func newWorker(_ tokens: [Token]) -> (String, CPUID?)? {
    guard tokens.count == 2 || tokens.count == 3 else {
      error("usage: ioworker CHILD [cpuN]", column: tokens[0].column)
      return nil
    }
    guard let child = newName(tokens[1]) else { return nil }
    var target: CPUID?
    if tokens.count == 3 {
      guard let cpu = cpu(tokens[2]) else { return nil }
      target = cpu
    }
    workers.insert(child)
    return (child, target)
  }

  private static func portInstruction(_ text: Substring) -> (IOInstruction, IOAccessWidth)? {
    guard let suffix = text.last else { return nil }
    let width: IOAccessWidth
    switch suffix {
    case "b": width = .byte
    case "w": width = .word
    case "l": width = .dword
    default: return nil
    }
    guard let instruction = IOInstruction(rawValue: String(text.dropLast())) else { return nil }
    return (instruction, width)
  }

  // MARK: Operands

  private mutating func arity(_ tokens: [Token], _ count: Int, usage: String) -> Bool {
    if tokens.count == count { return true }
    let column = tokens.count > count ? tokens[count].column : tokens[0].column
    error("usage: \(usage)", column: column)
    return false
  }

  private mutating func number(_ token: Token, max: UInt64) -> UInt64? {
    let text = token.text
    let value: UInt64? =
      text.hasPrefix("0x") || text.hasPrefix("0X")
      ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text, radix: 10)
    guard let value else {
      error("'\(text)' is not a number (decimal or 0x hexadecimal)", column: token.column)
      return nil
    }
    guard value <= max else {
      error("\(text) is larger than \(max)", column: token.column)
      return nil
    }
    return value
  }

  private mutating func level(_ token: Token) -> UInt32? {
    if token.text.hasPrefix("-"), let negative = Int32(token.text) {
      return UInt32(bitPattern: negative)
    }
    return number(token, max: 0xFFFF_FFFF).map { UInt32($0) }
  }

  /// `ioperm`'s `turn_on`: `on`/`off`, or a number read as the C `int` the kernel takes, so
  /// any value whose low 32 bits are not all zero means on (4294967296 means off).
  private mutating func flag(_ token: Token) -> Bool? {
    switch token.text {
    case "on": return true
    case "off": return false
    default:
      if token.text.hasPrefix("-"), let negative = Int64(token.text) { return Int32(truncatingIfNeeded: negative) != 0 }
      guard let value = UInt64(token.text) ?? (token.text.hasPrefix("0x") ? UInt64(token.text.dropFirst(2), radix: 16) : nil) else {
        error("expected on/off or a number, found '\(token.text)'", column: token.column)
        return nil
      }
      return Int32(truncatingIfNeeded: value) != 0
    }
  }

  private mutating func cpu(_ token: Token) -> CPUID? {
    guard token.text.hasPrefix("cpu"), let index = Int(token.text.dropFirst(3)), index >= 0 else {
      error("expected a CPU such as cpu0, found '\(token.text)'", column: token.column)
      return nil
    }
    guard index < scenario.cpuCount else {
      error("cpu\(index) does not exist: the scenario has \(scenario.cpuCount) cpu(s)", column: token.column)
      return nil
    }
    return CPUID(rawValue: index)
  }

  private mutating func newName(_ token: Token) -> String? {
    let name = String(token.text)
    guard let first = name.first, first.isASCII, first.isLetter || first == "_",
      name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
    else {
      error("'\(name)' is not a valid thread name", column: token.column)
      return nil
    }
    // `idle` is the idle task of `switch cpuN idle`.
    if name == "idle" {
      error("'\(name)' is a reserved name", column: token.column)
      return nil
    }
    guard names.insert(name).inserted else {
      error("thread '\(name)' is already defined", column: token.column)
      return nil
    }
    return name
  }

  private mutating func checkKnown(_ name: String, column: Int) -> Bool {
    if names.contains(name) { return true }
    error("unknown thread '\(name)'", column: column)
    return false
  }
}
