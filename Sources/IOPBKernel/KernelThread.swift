/// The per-thread state the I/O permission code reads: `struct thread_struct`'s `io_bitmap` and
/// `iopl_emul`, the TIF_IO_BITMAP flag, and the thread's credentials.
public struct KernelThread: Sendable, Hashable {
  public internal(set) var id: ThreadID
  /// The thread group; threads of one process share it, `fork` starts a new one.
  public internal(set) var process: ProcessID
  public var credentials: Credentials
  /// The bitmap this thread points at (`thread.io_bitmap`), nil when it has none.
  public var ioBitmap: BitmapID?
  /// The emulated I/O privilege level 0…3 (`thread.iopl_emul`); only 3 grants anything.
  public var ioplEmulation: UInt8
  /// TIF_IO_BITMAP: the thread needs TSS bitmap handling on exit to user mode.
  public var needsIOBitmapUpdate: Bool
  /// False once the thread has exited.
  public var isAlive: Bool

  public init(id: ThreadID, process: ProcessID, credentials: Credentials) {
    self.id = id
    self.process = process
    self.credentials = credentials
    ioBitmap = nil
    ioplEmulation = 0
    needsIOBitmapUpdate = false
    isAlive = true
  }
}
