/// A deliberate departure from Linux ≥ 5.5 semantics: one rule flipped, to show what a checker
/// or the QEMU oracle catches, and to model older kernels.
///
/// A machine whose kernel has deviations keeps a reference kernel without them and takes the
/// double check's entitlement from it, so a deviation that changes what a thread is entitled to
/// shows as a violation even when the CPU agrees with the deviating kernel.
public enum KernelDeviation: String, Sendable, Hashable, Codable, CaseIterable {
  /// `ioperm` checks the capability before the range (Linux checks EINVAL first).
  case permissionBeforeRange = "eperm-before-einval"
  /// A forked child starts without its parent's bitmap and level (Linux before 2.4 did not
  /// inherit ioperm permissions, per `ioperm(2)` HISTORY).
  case forkDropsPermissions = "fork-drops-permissions"
  /// `execve` drops the bitmap and the level (Linux keeps both; `ioperm(2)`: "Permissions are
  /// preserved across execve(2)").
  case execDropsPermissions = "exec-drops-permissions"
  /// `ksys_ioperm()` never takes a new `io_bitmap_sequence`: a fresh bitmap keeps sequence 0 and
  /// a copy on write keeps its source's. The reverse of 060aa16fdb7c ("x86/ioperm: Add bitmap
  /// sequence number"), whose "Only update the bitmap if the sequence is different" then skips
  /// copies it needs.
  case noSequenceBump = "no-sequence-bump"
  /// `ksys_ioperm()` changes a shared bitmap (refcount > 1) in place instead of duplicating it
  /// (and still takes a new sequence): the sharing of "x86/ioperm: Share I/O bitmap if
  /// identical" without its copy on write, so one thread's `ioperm` changes what the threads it
  /// forked, or that forked it, may reach.
  case noCopyOnWrite = "no-copy-on-write"
  /// A fork failing after `copy_thread()` shared the bitmap cleans up with `io_bitmap_exit()` on
  /// current instead of the child, as before 4bfe6cce133c ("x86/ioperm: Prevent a memory leak
  /// when fork fails", Jay Lang, 2020): the child's reference leaks and the parent loses its
  /// bitmap pointer, its TIF_IO_BITMAP (below level 3) and its TSS base.
  case failedForkDropsParentBitmap = "failed-fork-drops-parent-bitmap"
  /// Before 8b68e978718f ("x86/iopl: Cure TIF_IO_BITMAP inconsistencies", 2025): `copy_thread()`
  /// does not clear TIF_IO_BITMAP, so an I/O worker inherits the flag (and, as every child does,
  /// the emulated level) without a bitmap; and a failed fork's `io_bitmap_exit(child)` runs
  /// `task_update_io_bitmap(child)`, whose `tss_update_io_bitmap()` acts on current's TSS with
  /// current's flag (``SyscallEffect/failedForkUpdatedTSS``).
  case ioWorkerInheritsFlag = "io-worker-inherits-flag"
}
