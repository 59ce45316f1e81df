import IOPBCPU
import IOPBCost
import IOPBKernel

/// One CPU's TSS laid out as Linux ≥ 5.5 lays it out (``LinuxTSSLayout``: a bitmap with an
/// all-ones tail, then an all-zero `mapall`), with the bookkeeping every per-CPU-copy design
/// needs: how far the bitmap area may hold zero bits, and whether a VM exit cut the TR limit.
///
/// The designs before 5.5 had no `mapall`; each strategy that keeps `iopl(3)` emulated points
/// the base at it, as c8137ace5638 ("x86/iopl: Restrict iopl() permission scope") does.
/// The VM-exit handling is `invalidate_tss_limit()`/`refresh_tss_limit()` of b7ffc44d5b2e
/// ("x86/kvm/vmx: Defer TR reload after VM exit") for every design, since VM exits are modelled
/// on a modern host.
public struct BitmapTSS: Sendable, Hashable {
  public let layout: LinuxTSSLayout
  /// The bytes the CPU reads, with the hidden TR limit.
  public var segment: TaskStateSegment
  /// Leading bytes of the bitmap area that may hold zero bits; every byte after them is 0xFF
  /// (what Linux calls `prev_max`, pre-5.5 `io_bitmap_max` of the last task copied in).
  public var dirtyBytes = 0
  /// `__tss_limit_invalid`: a VM exit left the limit at 0x67 and no LTR has run since.
  public var limitInvalid = false

  /// A TSS as `tss_setup_io_bitmap()` leaves it: base invalid, bitmap all ones.
  public init(layout: LinuxTSSLayout) {
    self.layout = layout
    segment = layout.bootTSS()
  }

  /// A TSS for `portCount` ports as ``init(layout:)`` leaves it, with its base at the map
  /// instead when `baseAtMap` (the designs whose base is always valid: `cpu_init()` installs
  /// `IO_BITMAP_OFFSET`).
  public init(portCount: Int, baseAtMap: Bool = false) {
    self.init(layout: LinuxTSSLayout(portCount: portCount))
    if baseAtMap { segment.ioMapBase = UInt16(layout.validMap) }
  }

  /// A base offset beyond the limit that a design tells apart from ``LinuxTSSLayout/invalid``:
  /// i386 `INVALID_IO_BITMAP_OFFSET_LAZY` (0x9000 there, beyond its 0x8000 invalid offset).
  public var lazyInvalid: Int { layout.invalid + 8 }

  public var base: Int { Int(segment.ioMapBase) }

  /// Stores `offset` into the I/O map base field and counts the store.
  public mutating func setBase(_ offset: Int, counts: inout OperationCounts) {
    segment.ioMapBase = UInt16(offset)
    counts.mapBaseWrites += 1
  }

  /// Stores `offset` only when the field holds another value.
  public mutating func setBaseIfChanged(_ offset: Int, counts: inout OperationCounts) {
    if base != offset { setBase(offset, counts: &counts) }
  }

  /// Which base stores ``point(at:rewriting:counts:)`` makes even when the field holds the
  /// offset already: none, those of a valid offset, or all.
  public enum BaseRewrite: Sendable {
    case never, validOffset, always
  }

  /// Points the base at the offset that grants `view` (``LinuxTSSLayout/offset(granting:)``),
  /// once the map holds what `view` needs, then runs `refresh_tss_limit()` for a view that
  /// grants ports.
  public mutating func point(
    at view: PortView, rewriting rewrite: BaseRewrite = .never, counts: inout OperationCounts
  ) {
    let offset = layout.offset(granting: view)
    switch rewrite {
    case .never: setBaseIfChanged(offset, counts: &counts)
    case .validOffset where view.grantsPorts, .always: setBase(offset, counts: &counts)
    case .validOffset: setBaseIfChanged(offset, counts: &counts)
    }
    if view.grantsPorts { refreshLimit(counts: &counts) }
  }

  /// `memcpy()` of bytes `range` of `bitmap` to the same place in the bitmap area.
  public mutating func copy(_ bitmap: IOBitmap, range: Range<Int>, counts: inout OperationCounts) {
    let range = range.clamped(to: 0..<layout.bitmapBytes)
    guard !range.isEmpty else { return }
    segment.write(bitmap.bytesOrAllOnes(in: range), at: layout.validMap + range.lowerBound)
    counts.copies += 1
    counts.bytesCopied += range.count
  }

  /// `memset(0xff)` of bytes `range` of the bitmap area.
  public mutating func fill(_ range: Range<Int>, counts: inout OperationCounts) {
    let range = range.clamped(to: 0..<layout.bitmapBytes)
    guard !range.isEmpty else { return }
    segment.fill(0xFF, at: layout.validMap + range.lowerBound, count: range.count)
    counts.fills += 1
    counts.bytesFilled += range.count
  }

  /// A VM exit set the limit to 0x67: reload TR at once when the current task uses its map
  /// (`invalidate_tss_limit()`), otherwise remember to do it when one does.
  public mutating func vmExit(currentUsesMap: Bool, counts: inout OperationCounts) {
    segment.limit = TaskStateSegment.vmExitLimit
    if currentUsesMap { reloadTR(counts: &counts) } else { limitInvalid = true }
  }

  /// `refresh_tss_limit()`: LTR if a VM exit cut the limit since the last one.
  public mutating func refreshLimit(counts: inout OperationCounts) {
    if limitInvalid { reloadTR(counts: &counts) }
  }

  /// `force_reload_TR()`: mark the descriptor available, LTR.
  public mutating func reloadTR(counts: inout OperationCounts) {
    segment.limit = layout.limit
    limitInvalid = false
    counts.gdtWrites += 1
    counts.taskRegisterLoads += 1
  }

  /// Broken layout invariants: a non-0xFF byte past ``dirtyBytes`` (or in the tail), or a
  /// `mapall` that is not all zero with an all-ones tail. `name` prefixes each message.
  public func invariantViolations(name: String) -> [String] {
    var problems: [String] = []
    let map = layout.validMap
    let bytes = segment.bytes
    if let dirty = (map + dirtyBytes..<map + layout.bitmapBytes + 8).first(where: { bytes[$0] != 0xFF }) {
      problems.append("\(name): bitmap byte \(dirty - map) past the dirty extent \(dirtyBytes) is not 0xff")
    }
    let all = layout.validAll
    if (all..<all + layout.bitmapBytes).contains(where: { bytes[$0] != 0 })
      || (all + layout.bitmapBytes..<all + layout.bitmapBytes + 8).contains(where: { bytes[$0] != 0xFF })
    {
      problems.append("\(name): mapall is not all zero with an all-ones tail")
    }
    return problems
  }

  /// True when bytes `0..<count` of the bitmap area equal those of `bitmap`.
  public func holds(_ bitmap: IOBitmap, bytes count: Int) -> Bool {
    let count = min(count, layout.bitmapBytes)
    return bitmap.bytesOrAllOnes(in: 0..<count) == Array(segment.bytes[layout.validMap..<layout.validMap + count])
  }
}
