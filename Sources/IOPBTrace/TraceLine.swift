/// What one line of a trace is.
public enum TraceLine: Sendable, Hashable {
  /// A scheduler event (or another event, as ``TraceEvent/Kind/other``).
  case event(TraceEvent)
  /// A comment, a blank line or a banner line of `trace-cmd report` (`version = 6`,
  /// `cpus=2`, `CPU 1 is empty`); `cpuCount` when it says how many CPUs traced (`#P:2` in
  /// tracefs' header, `cpus=2`).
  case header(cpuCount: Int?)
  /// The ring buffer of `cpu` overwrote or dropped events here: tracefs' `CPU:1 [LOST 12
  /// EVENTS]`, trace-cmd's `CPU:1 [12 EVENTS DROPPED]`.
  case lostEvents(cpu: Int32)
  /// A line that is none of these.
  case malformed(MalformedLine.Reason)
}
