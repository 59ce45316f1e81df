/// Reads one line of the text Linux's tracing writes, in any of the shapes it takes:
///
/// - tracefs' `trace` and `trace_pipe` (`trace_print_context()` in
///   `kernel/trace/trace_output.c`): `%16s-%-7d` (`%-5d` before 5.14), `(%7d)` TGID with
///   `options/record-tgid`, `[%03d]` CPU, the `irq-info` flags (4 characters before 5.14, 5
///   after, none with `irq-info` off), ` %5lu.%06lu: ` (or a raw counter for counter clocks),
///   `NAME: ` and the event's `TP_printk` fields;
/// - `trace-cmd report` (`tracecmd/trace-read.c`): `%16s-%-5d [%03d]`, the latency flags,
///   the time with 6 or 9 decimals, an optional `(+DIFF)`, the name padded to 20 columns and
///   the fields as libtraceevent's `plugin_sched_switch.c` prints `sched_switch` and
///   `sched_wakeup*` (`COMM:PID [PRIO] STATE ==> COMM:PID [PRIO]`); with `-l`,
///   `%8.8s-%-5d %3d` and the flags right after the CPU.
///
/// A task name (`comm`) may hold spaces, dashes and colons: the task column's pid is the
/// first `-DIGITS` followed by blanks and a TGID or CPU column, and fields are found by the
/// names around them. Parsing reads bytes and allocates nothing.
public enum TraceLineParser {
  /// Reads `line` (without its terminator).
  public static func parse(_ line: UnsafeBufferPointer<UInt8>) -> TraceLine {
    var cursor = Cursor(line)
    cursor.skipBlanks()
    guard let first = cursor.peek else { return .header(cpuCount: nil) }
    if first == UInt8(ascii: "#") { return .header(cpuCount: cursor.number(after: "#P:")) }
    if first == UInt8(ascii: "c") || first == UInt8(ascii: "v") || first == UInt8(ascii: "C"),
      let banner = Self.banner(cursor)
    {
      return banner
    }
    return event(&cursor)
  }

  /// trace-cmd's banner lines and the lost-events markers, or nil.
  private static func banner(_ cursor: Cursor) -> TraceLine? {
    if cursor.startsWith("cpus=") { return .header(cpuCount: cursor.number(after: "cpus=")) }
    if cursor.startsWith("version =") { return .header(cpuCount: nil) }
    if cursor.startsWith("CPU ") && cursor.contains(" is empty") { return .header(cpuCount: nil) }
    if cursor.startsWith("CPU:") && (cursor.contains("LOST") || cursor.contains("DROPPED")) {
      return .lostEvents(cpu: Int32(clamping: cursor.number(after: "CPU:") ?? 0))
    }
    if cursor.startsWith("CPU:") && cursor.contains("[SUBBUFFER START]") { return .header(cpuCount: nil) }
    return nil
  }

  private static func event(_ cursor: inout Cursor) -> TraceLine {
    // TASK-PID: the first "-DIGITS" followed by blanks and "(", "[" or a digit.
    let nameStart = cursor.position
    var pid: Int64?
    var nameEnd = nameStart
    var search = nameStart
    while let dash = cursor.index(of: UInt8(ascii: "-"), from: search) {
      var probe = cursor
      probe.position = dash + 1
      if let digits = probe.integer(), probe.skipBlanks() > 0, let next = probe.peek,
        next == UInt8(ascii: "(") || next == UInt8(ascii: "[") || Cursor.isDigit(next)
      {
        pid = digits
        nameEnd = dash
        cursor = probe
        break
      }
      search = dash + 1
    }
    guard let pid, dashFound(nameEnd, nameStart) else { return .malformed(.noTask) }
    var tgid: Int32?
    if cursor.consume("(") {
      cursor.skipBlanks()
      if let value = cursor.integer() { tgid = Int32(clamping: value) } else { cursor.skip(while: { $0 == UInt8(ascii: "-") }) }
      guard cursor.consume(")") else { return .malformed(.noTask) }
      cursor.skipBlanks()
    }
    let cpu: Int64
    if cursor.consume("[") {
      cursor.skipBlanks()
      guard let value = cursor.integer(), cursor.consume("]") else { return .malformed(.noCPU) }
      cpu = value
    } else {
      // trace-cmd report -l: the CPU number with the flags right after it.
      guard let value = cursor.integer() else { return .malformed(.noCPU) }
      cpu = value
    }
    // Optional flags, then the timestamp: the first blank-separated word ending in ':'.
    cursor.skipBlanks()
    var timestamp: Int64?
    for _ in 0..<2 {
      var probe = cursor
      if let value = probe.timestamp() {
        timestamp = value
        cursor = probe
        break
      }
      cursor.skip(while: { !Cursor.isBlank($0) })
      cursor.skipBlanks()
    }
    guard let timestamp else { return .malformed(.noTimestamp) }
    cursor.skipBlanks()
    if cursor.startsWith("(+") {
      cursor.skip(while: { !Cursor.isBlank($0) })
      cursor.skipBlanks()
    }
    let eventStart = cursor.position
    guard let colon = cursor.index(of: UInt8(ascii: ":"), from: eventStart), colon > eventStart else {
      return .malformed(.noEventName)
    }
    let eventName = cursor.slice(eventStart..<colon)
    guard !eventName.contains(where: Cursor.isBlank) else { return .malformed(.noEventName) }
    cursor.position = colon + 1
    cursor.skipBlanks()
    let fields = cursor.rest
    let kind: TraceEvent.Kind
    switch Self.fields(of: eventName, fields) {
    case .success(let parsed): kind = parsed
    case .failure(let reason): return .malformed(reason)
    }
    var name = TaskName(cursor.slice(nameStart..<nameEnd))
    if name == Self.unknownName { name = TaskName() }
    return .event(
      TraceEvent(
        cpu: Int32(clamping: cpu), pid: Int32(clamping: pid), tgid: tgid, name: name, timestamp: timestamp,
        kind: kind))
  }

  private static func dashFound(_ end: Int, _ start: Int) -> Bool { end > start }

  /// `<...>`: a pid whose name the tracer's cache no longer holds.
  private static let unknownName = TaskName("<...>")

  // MARK: Fields

  private static func fields(of event: UnsafeBufferPointer<UInt8>, _ fields: Cursor) -> Result<TraceEvent.Kind, MalformedLine.Reason> {
    if Cursor.equal(event, "sched_switch") { return contextSwitch(fields) }
    if Cursor.equal(event, "sched_wakeup") { return wakeup(fields, event: "sched_wakeup", isNew: false) }
    if Cursor.equal(event, "sched_wakeup_new") { return wakeup(fields, event: "sched_wakeup_new", isNew: true) }
    if Cursor.equal(event, "sched_waking") { return wakeup(fields, event: "sched_waking", isNew: false) }
    if Cursor.equal(event, "sched_migrate_task") { return migrate(fields) }
    if Cursor.equal(event, "sched_process_fork") { return fork(fields) }
    if Cursor.equal(event, "sched_process_exec") { return exec(fields) }
    if Cursor.equal(event, "sched_process_exit") { return exit(fields) }
    return .success(.other)
  }

  /// `prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d
  /// next_prio=%d`, or libtraceevent's `COMM:PID [PRIO] STATE ==> COMM:PID [PRIO]`.
  private static func contextSwitch(_ fields: Cursor) -> Result<TraceEvent.Kind, MalformedLine.Reason> {
    let failure = MalformedLine.Reason.badFields(
      event: "sched_switch", expected: "prev_comm=… prev_pid=… prev_state=… ==> next_comm=… next_pid=…")
    if fields.startsWith("prev_comm=") {
      guard let prevPID = fields.range(of: " prev_pid="),
        let stateField = fields.range(of: " prev_state=", from: prevPID.upperBound),
        let arrow = fields.range(of: " ==> next_comm=", from: stateField.upperBound),
        let nextPID = fields.lastRange(of: " next_pid="), nextPID.lowerBound >= arrow.upperBound,
        let previous = fields.integer(at: prevPID.upperBound), let next = fields.integer(at: nextPID.upperBound)
      else { return .failure(failure) }
      let state = fields.word(at: stateField.upperBound)
      return .success(
        .contextSwitch(
          previous: Int32(clamping: previous), previousName: TaskName(fields.slice(10..<prevPID.lowerBound)),
          state: previousState(state), next: Int32(clamping: next),
          nextName: TaskName(fields.slice(arrow.upperBound..<nextPID.lowerBound))))
    }
    guard let arrow = fields.range(of: " ==> ") else { return .failure(failure) }
    let left = fields.sub(0..<arrow.lowerBound)
    let right = fields.sub(arrow.upperBound..<fields.count)
    // Left: COMM:PID [PRIO] STATE; the state is the last word.
    guard let stateStart = left.lastIndex(of: UInt8(ascii: " ")) else { return .failure(failure) }
    let state = left.slice(stateStart + 1..<left.count)
    let leftTask = left.sub(0..<(left.lastRange(of: " [")?.lowerBound ?? stateStart))
    let rightTask = right.sub(0..<(right.lastRange(of: " [")?.lowerBound ?? right.count))
    guard let previous = leftTask.namedPID(), let next = rightTask.namedPID() else { return .failure(failure) }
    return .success(
      .contextSwitch(
        previous: previous.pid, previousName: previous.name, state: previousState(state), next: next.pid,
        nextName: next.name))
  }

  /// `prev_state`'s first letter: `Z` and `X` mean dead, `R` runnable, the rest blocked.
  private static func previousState(_ state: UnsafeBufferPointer<UInt8>) -> TraceEvent.PreviousState {
    guard let letter = state.first else { return .runnable }
    if state.contains(UInt8(ascii: "Z")) || state.contains(UInt8(ascii: "X")) { return .dead }
    return letter == UInt8(ascii: "R") ? .runnable : .blocked
  }

  /// `comm=%s pid=%d prio=%d target_cpu=%03d` (`success=%d` before 4.x), or libtraceevent's
  /// `COMM:PID [PRIO] CPU:NNN`.
  private static func wakeup(_ fields: Cursor, event: String, isNew: Bool) -> Result<TraceEvent.Kind, MalformedLine.Reason> {
    if fields.startsWith("comm=") {
      guard let pidField = fields.lastRange(of: " pid="), let pid = fields.integer(at: pidField.upperBound) else {
        return .failure(.badFields(event: event, expected: "comm=… pid=… prio=… target_cpu=…"))
      }
      let target = fields.lastRange(of: " target_cpu=").flatMap { fields.integer(at: $0.upperBound) }
      return .success(
        .wakeup(
          pid: Int32(clamping: pid), name: TaskName(fields.slice(5..<pidField.lowerBound)),
          targetCPU: target.map { Int32(clamping: $0) }, isNew: isNew))
    }
    let task = fields.sub(0..<(fields.range(of: " [")?.lowerBound ?? fields.count))
    guard let named = task.namedPID() else {
      return .failure(.badFields(event: event, expected: "comm=… pid=… or COMM:PID [PRIO] CPU:NNN"))
    }
    let target = fields.lastRange(of: " CPU:").flatMap { fields.integer(at: $0.upperBound) }
    return .success(
      .wakeup(pid: named.pid, name: named.name, targetCPU: target.map { Int32(clamping: $0) }, isNew: isNew))
  }

  /// `comm=%s pid=%d prio=%d orig_cpu=%d dest_cpu=%d`.
  private static func migrate(_ fields: Cursor) -> Result<TraceEvent.Kind, MalformedLine.Reason> {
    guard let pidField = fields.lastRange(of: " pid="), let pid = fields.integer(at: pidField.upperBound),
      let origin = fields.lastRange(of: " orig_cpu=").flatMap({ fields.integer(at: $0.upperBound) }),
      let destination = fields.lastRange(of: " dest_cpu=").flatMap({ fields.integer(at: $0.upperBound) })
    else { return .failure(.badFields(event: "sched_migrate_task", expected: "comm=… pid=… orig_cpu=… dest_cpu=…")) }
    return .success(
      .migrate(pid: Int32(clamping: pid), origin: Int32(clamping: origin), destination: Int32(clamping: destination)))
  }

  /// `comm=%s pid=%d child_comm=%s child_pid=%d`.
  private static func fork(_ fields: Cursor) -> Result<TraceEvent.Kind, MalformedLine.Reason> {
    guard let childName = fields.range(of: " child_comm="), let childPID = fields.lastRange(of: " child_pid="),
      childPID.lowerBound >= childName.upperBound, let parentField = fields.sub(0..<childName.lowerBound).lastRange(of: " pid="),
      let parent = fields.integer(at: parentField.upperBound), let child = fields.integer(at: childPID.upperBound)
    else { return .failure(.badFields(event: "sched_process_fork", expected: "comm=… pid=… child_comm=… child_pid=…")) }
    return .success(
      .fork(
        parent: Int32(clamping: parent), child: Int32(clamping: child),
        childName: TaskName(fields.slice(childName.upperBound..<childPID.lowerBound))))
  }

  /// `filename=%s pid=%d old_pid=%d`.
  private static func exec(_ fields: Cursor) -> Result<TraceEvent.Kind, MalformedLine.Reason> {
    guard fields.startsWith("filename="), let oldPID = fields.lastRange(of: " old_pid="),
      let pidField = fields.sub(0..<oldPID.lowerBound).lastRange(of: " pid="),
      let pid = fields.integer(at: pidField.upperBound)
    else { return .failure(.badFields(event: "sched_process_exec", expected: "filename=… pid=… old_pid=…")) }
    return .success(
      .exec(pid: Int32(clamping: pid), name: TaskName(executing: fields.slice(9..<pidField.lowerBound))))
  }

  /// `comm=%s pid=%d prio=%d` (and ` group_dead=%d` in later kernels).
  private static func exit(_ fields: Cursor) -> Result<TraceEvent.Kind, MalformedLine.Reason> {
    guard let pidField = fields.lastRange(of: " pid="), let pid = fields.integer(at: pidField.upperBound) else {
      return .failure(.badFields(event: "sched_process_exit", expected: "comm=… pid=… prio=…"))
    }
    return .success(.exit(pid: Int32(clamping: pid)))
  }
}
