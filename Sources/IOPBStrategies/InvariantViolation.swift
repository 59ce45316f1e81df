import IOPBCPU
import IOPBKernel

/// A broken internal invariant of a design or of the kernel: what a checker must never see
/// after a step, whatever the workload.
///
/// The TSS invariants are those of the reference (§4.3) that Linux ≥ 5.5's code maintains, in
/// the form each design keeps them: I1 (nothing past the dirty extent but 0xFF), I2 (`mapall`
/// all zero with its all-ones tail), I3 (the bytes a TSS claims to hold are the bitmap's), I4
/// (a valid base only for a thread with TIF_IO_BITMAP).
public struct InvariantViolation: Sendable, Hashable, CustomStringConvertible {
  /// Whose TSS, or other state, is broken.
  public enum Place: Sendable, Hashable, CustomStringConvertible {
    /// A CPU's own TSS or per-CPU bookkeeping.
    case cpu(CPUID)
    /// The TSS a thread owns (per-thread and private-TSS designs).
    case thread(ThreadID)

    public var description: String {
      switch self {
      case .cpu(let cpu): cpu.description
      case .thread(let thread): thread.description
      }
    }
  }

  /// Which invariant is broken.
  public enum Rule: Sendable, Hashable {
    /// I1: the map byte at `offset` (from the map's start) is not 0xFF though it lies past the
    /// extent the TSS records as possibly holding zero bits (`prev_max`).
    case dirtyTail(offset: Int, extent: Int)
    /// I2: `mapall` is not all zero, or its trailing long is not all ones.
    case mapall
    /// I3: the map bytes differ from `bitmap`, which the TSS (or the mapping, or the owner
    /// cache) claims to hold.
    case bytesDiffer(from: BitmapID)
    /// I4: the base is valid while the current thread has no TIF_IO_BITMAP.
    case validBaseWithoutFlag
    /// V1 5/9: a map byte before the tracked zero-bit range is not 0xFF.
    case zeroBeforeTrackedRange
    /// remap + INVLPG: the window still maps a freed bitmap's pages.
    case mapsFreedBitmap(BitmapID)
    /// Xen PV: Xen still points at a bitmap the guest invalidated (XSA-329).
    case hypervisorKeepsInvalidatedMap
    /// The map bytes differ from what the design's own records say the CPU holds (Zircon: the
    /// runs of the address space it runs; seL4: the running thread's capabilities).
    case mapDiffersFromBookkeeping
    /// The design's records of a thread's or process's ports lag what the kernel grants it
    /// now (Zircon: an address space's runs against its threads' union).
    case bookkeepingBehindKernel
    /// A kernel invariant.
    case kernel(KernelInvariantViolation)
  }

  /// nil for a kernel invariant.
  public var place: Place?
  public var rule: Rule

  public init(_ rule: Rule, at place: Place?) {
    self.rule = rule
    self.place = place
  }

  /// A kernel invariant, which belongs to no TSS.
  public static func kernel(_ violation: KernelInvariantViolation) -> InvariantViolation {
    InvariantViolation(.kernel(violation), at: nil)
  }

  public var description: String {
    let what =
      switch rule {
      case .dirtyTail(let offset, let extent):
        "I1: map byte \(offset) past the dirty extent \(extent) is not 0xff"
      case .mapall: "I2: mapall is not all zero with an all-ones tail"
      case .bytesDiffer(let bitmap): "I3: map bytes differ from \(bitmap), which it claims to hold"
      case .validBaseWithoutFlag: "I4: map base valid while the current thread has no TIF_IO_BITMAP"
      case .zeroBeforeTrackedRange: "a map byte before the tracked zero-bit range is not 0xff"
      case .mapsFreedBitmap(let bitmap): "the window still maps freed \(bitmap)"
      case .hypervisorKeepsInvalidatedMap:
        "Xen still points at a bitmap the guest invalidated (XSA-329)"
      case .mapDiffersFromBookkeeping: "map bytes differ from the ports the design records for this CPU"
      case .bookkeepingBehindKernel: "the design's record of the ports lags the kernel's"
      case .kernel(let violation): "kernel: \(violation)"
      }
    return place.map { "\($0): \(what)" } ?? what
  }
}
