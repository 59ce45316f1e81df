import IOPBCPU
import IOPBKernel

/// A fault the modelled kernel code takes itself: a NULL dereference or another oops a switch
/// design's code runs into on some state. The strategy that models the faulting function
/// reports it into ``StrategyContext/faults`` during a step; the machine returns it with the
/// step as a ``Violation/Kind/kernelFault(_:)``, so a checker sees it as it sees a leak.
///
/// The model does not go on to kill the current thread as an oops would: the state stays as the
/// code left it up to the fault, and the function stops there.
public struct KernelFault: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The kernel function that faulted, e.g. `native_tss_update_io_bitmap()`.
  public var function: String
  /// What happened, in the source's terms.
  public var what: String
  /// The CPU it ran on.
  public var cpu: CPUID
  /// The current thread of that CPU, whose state the function read.
  public var thread: ThreadID

  public init(function: String, what: String, cpu: CPUID, thread: ThreadID) {
    self.function = function
    self.what = what
    self.cpu = cpu
    self.thread = thread
  }

  /// 8b68e978718f ("x86/iopl: Cure TIF_IO_BITMAP inconsistencies") added to
  /// `native_tss_update_io_bitmap()` a `WARN_ON_ONCE(!iobm)` branch that clears TIF_IO_BITMAP and
  /// invalidates the base but does not return, so the next line reads `iobm->sequence` through
  /// the NULL pointer (reference §4.3, §7).
  public static func nullBitmapAfterWarning(cpu: CPUID, thread: ThreadID) -> KernelFault {
    KernelFault(
      function: "native_tss_update_io_bitmap()",
      what: "WARN_ON_ONCE(!iobm) in native_tss_update_io_bitmap(), then NULL dereference of iobm->sequence",
      cpu: cpu, thread: thread)
  }

  /// `native_tss_update_io_bitmap()` reading `iobm->sequence` of a bitmap already freed: no
  /// kernel rule lets that happen (the kernel invariants report a freed bitmap still pointed
  /// at), but the model says so rather than copying from nothing.
  public static func freedBitmapRead(cpu: CPUID, thread: ThreadID) -> KernelFault {
    KernelFault(
      function: "native_tss_update_io_bitmap()",
      what: "use after free of iobm->sequence in native_tss_update_io_bitmap()", cpu: cpu, thread: thread)
  }

  public var description: String { what }
}
