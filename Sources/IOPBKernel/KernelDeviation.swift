/// A deliberate departure from Linux ≥ 5.5 semantics: one rule flipped, to show what a checker
/// or the QEMU oracle catches, and to model older kernels.
public enum KernelDeviation: String, Sendable, Hashable, CaseIterable {
  /// `ioperm` checks the capability before the range (Linux checks EINVAL first).
  case permissionBeforeRange = "eperm-before-einval"
  /// A forked child starts without its parent's bitmap and level (Linux before 2.4 did not
  /// inherit ioperm permissions, per `ioperm(2)` HISTORY).
  case forkDropsPermissions = "fork-drops-permissions"
  /// `execve` drops the bitmap and the level (Linux keeps both; `ioperm(2)`: "Permissions are
  /// preserved across execve(2)").
  case execDropsPermissions = "exec-drops-permissions"
}
