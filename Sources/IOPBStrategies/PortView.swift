import IOPBKernel

/// What a thread may reach by Linux ≥ 5.5 semantics, in the form a switch design installs it:
/// nothing, every port (emulated `iopl(3)`, `thread.iopl_emul == 3`), or one bitmap.
///
/// The precedence is `native_tss_update_io_bitmap()`'s in `arch/x86/kernel/process.c`: level 3
/// wins over a bitmap, which is then not copied.
public enum PortView: Sendable, Hashable {
  case none
  case all
  /// The bitmap by allocation and by the `io_bitmap_sequence` of its last change, which
  /// together name its contents exactly (allocations are never reused in the model).
  case map(BitmapID, sequence: UInt64)

  /// The view of `thread` in `kernel` now: nothing for an I/O worker, which never runs in user
  /// mode, whatever level it inherited.
  @inlinable @inline(__always)
  public init(of thread: ThreadID, in kernel: borrowing Kernel) {
    let state = kernel[thread]
    if state.isIOWorker {
      self = .none
    } else if state.ioplEmulation == 3 {
      self = .all
    } else if let id = state.ioBitmap, kernel.bitmaps.contains(id) {
      self = .map(id, sequence: kernel.bitmaps[existing: id].sequence)
    } else {
      self = .none
    }
  }

  /// The view of `thread`, or `.none` for the idle task.
  @inlinable @inline(__always)
  public init(of thread: ThreadID?, in kernel: borrowing Kernel) {
    if let thread { self.init(of: thread, in: kernel) } else { self = .none }
  }

  /// True unless the view grants nothing.
  public var grantsPorts: Bool { self != .none }
}
