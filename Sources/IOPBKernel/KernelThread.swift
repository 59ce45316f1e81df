/// The per-thread state the I/O permission code reads: `struct thread_struct`'s `io_bitmap` and
/// `iopl_emul`, the TIF_IO_BITMAP flag, and the thread's credentials.
public struct KernelThread: Sendable, Hashable {
  public internal(set) var id: ThreadID
  /// The thread group; threads of one process share it, `fork` starts a new one.
  public internal(set) var process: ProcessID
  /// An I/O worker (`PF_IO_WORKER`): a thread of its creator's process that io_uring starts with
  /// `create_io_thread()` and that runs only in the kernel. It never returns to user mode, so it
  /// makes no system call and no port access, and `copy_thread()` returns before
  /// `io_bitmap_share()` for it (`args->fn`): it never holds a bitmap.
  public let isIOWorker: Bool
  public var credentials: Credentials
  /// The bitmap this thread points at (`thread.io_bitmap`), nil when it has none.
  public var ioBitmap: BitmapID?
  /// The emulated I/O privilege level 0…3 (`thread.iopl_emul`); only 3 grants anything.
  public var ioplEmulation: UInt8
  /// TIF_IO_BITMAP: the thread needs TSS bitmap handling on exit to user mode.
  public var needsIOBitmapUpdate: Bool
  /// False once the thread has exited.
  public var isAlive: Bool

  public init(id: ThreadID, process: ProcessID, credentials: Credentials, isIOWorker: Bool = false) {
    self.id = id
    self.process = process
    self.isIOWorker = isIOWorker
    self.credentials = credentials
    ioBitmap = nil
    ioplEmulation = 0
    needsIOBitmapUpdate = false
    isAlive = true
  }
}
