/// One scheduler event of a Linux trace, as `iopb replay` uses it: which CPU recorded it, when,
/// which task was current there (`common_pid`), and what happened.
///
/// The events and their fields are those of `include/trace/events/sched.h`.
public struct TraceEvent: Sendable, Hashable {
  /// A task state as `sched_switch` prints `prev_state` (`TASK_REPORT` letters): only whether
  /// the task is dead matters here.
  public enum PreviousState: Sendable, Hashable {
    /// `R`, `R+`: preempted, still runnable.
    case runnable
    /// `S`, `D`, `T`, `t`, `I`, `P`, …: blocked.
    case blocked
    /// `Z` (`EXIT_ZOMBIE`) or `X` (`EXIT_DEAD`): the task's last switch (`do_task_dead()`).
    case dead
  }

  /// What happened.
  public enum Kind: Sendable, Hashable {
    /// `sched_switch`: `__schedule()` on this CPU from `previous` to `next` (pid 0: idle).
    case contextSwitch(previous: Int32, previousName: TaskName, state: PreviousState, next: Int32, nextName: TaskName)
    /// `sched_wakeup`, `sched_wakeup_new`, `sched_waking`: `pid` becomes runnable, on
    /// `targetCPU` when the line says.
    case wakeup(pid: Int32, name: TaskName, targetCPU: Int32?, isNew: Bool)
    /// `sched_migrate_task`: `pid` moves from `origin` to `destination`.
    case migrate(pid: Int32, origin: Int32, destination: Int32)
    /// `sched_process_fork`: `parent` (current) created `child` (`kernel_clone()`).
    case fork(parent: Int32, child: Int32, childName: TaskName)
    /// `sched_process_exec`: `pid` (current) executed `name`'s file (`exec_binprm()`).
    case exec(pid: Int32, name: TaskName)
    /// `sched_process_exit`: `pid` (current) is in `do_exit()`.
    case exit(pid: Int32)
    /// Any other event, counted and ignored.
    case other
  }

  /// The CPU whose buffer holds the event.
  public var cpu: Int32
  /// `common_pid`: the task current on ``cpu``; 0 is the idle task (`swapper/N`).
  public var pid: Int32
  /// The current task's thread group when the line shows TGIDs (`options/record-tgid`).
  public var tgid: Int32?
  /// The current task's name as the line's task column shows it; empty for `<...>` (a name
  /// the tracer no longer remembered) and for formats that cut it (`trace-cmd report -l`).
  public var name: TaskName
  /// Nanoseconds of the trace clock.
  public var timestamp: Int64
  public var kind: Kind

  public init(cpu: Int32, pid: Int32, tgid: Int32? = nil, name: TaskName = TaskName(), timestamp: Int64, kind: Kind) {
    self.cpu = cpu
    self.pid = pid
    self.tgid = tgid
    self.name = name
    self.timestamp = timestamp
    self.kind = kind
  }
}
