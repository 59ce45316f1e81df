import IOPBCPU
import IOPBCost
import IOPBKernel

/// One CPU's TSS laid out as Linux ≥ 5.5 lays it out (``LinuxTSSLayout``: `prev_sequence` and
/// `prev_max`, a bitmap with an all-ones tail, then an all-zero `mapall`), with the operations
/// every per-CPU-copy design is made of: base stores, copies and fills of the map, and the TR
/// reload a VM exit forces.
///
/// The designs before 5.5 had no `mapall`; each strategy that keeps `iopl(3)` emulated points
/// the base at it, as c8137ace5638 ("x86/iopl: Restrict iopl() permission scope") does. Every
/// design records how far the map may hold zero bits where 5.5 keeps `prev_max`: the CPU never
/// reads those bytes. The VM-exit handling is `invalidate_tss_limit()`/`refresh_tss_limit()` of
/// b7ffc44d5b2e ("x86/kvm/vmx: Defer TR reload after VM exit") for every design, since VM
/// exits are modelled on a modern host.
public struct BitmapTSS: Sendable, Hashable {
  public let layout: LinuxTSSLayout
  /// The bytes the CPU reads, with the hidden TR limit.
  public var segment: TaskStateSegment
  /// `__tss_limit_invalid`: a VM exit left the limit at 0x67 and no LTR has run since.
  public var limitInvalid = false

  /// A TSS as `tss_setup_io_bitmap()` leaves it: base invalid, bitmap all ones, `prev_max` and
  /// `prev_sequence` 0.
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

  /// Leading bytes of the map that may hold zero bits; every byte after them is 0xFF: Linux
  /// 5.5's `io_bitmap.prev_max`, pre-5.5's `io_bitmap_max` of the last thread copied in.
  public var dirtyBytes: Int {
    get { Int(segment.readLittleEndian(at: layout.prevMaxOffset, width: 4)) }
    set { segment.writeLittleEndian(UInt64(newValue), at: layout.prevMaxOffset, width: 4) }
  }

  /// Linux 5.5's `io_bitmap.prev_sequence`: the sequence of the bitmap last copied in, 0 for
  /// none. Only `linux-5.5` and its composites read it.
  public var prevSequence: UInt64 {
    get { segment.readLittleEndian(at: layout.prevSequenceOffset, width: 8) }
    set { segment.writeLittleEndian(newValue, at: layout.prevSequenceOffset, width: 8) }
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

  /// `memcpy()` of bytes `range` of `bitmap` to the same place in the map, counted.
  public mutating func copy(_ bitmap: IOBitmap, range: Range<Int>, counts: inout OperationCounts) {
    let range = range.clamped(to: 0..<layout.bitmapBytes)
    guard !range.isEmpty else { return }
    show(bitmap, range: range)
    counts.copies += 1
    counts.bytesCopied += range.count
  }

  /// Copies `bitmap` over what the map held and records its `max` as the dirty extent: Linux
  /// 5.5's `tss_copy_io_bitmap()` and ≤ 5.4's `switch_to_bitmap()`, which copy
  /// `max(prev_max, max)` bytes so that the previous extent's zero bits are overwritten too.
  /// Without `coveringPrevious`, only the bitmap's own `max` (a defect).
  public mutating func copyOver(
    _ bitmap: IOBitmap, coveringPrevious: Bool = true, counts: inout OperationCounts
  ) {
    copy(bitmap, range: 0..<(coveringPrevious ? max(dirtyBytes, bitmap.maxBytes) : bitmap.maxBytes), counts: &counts)
    dirtyBytes = bitmap.maxBytes
  }

  /// `memset(0xff)` of bytes `range` of the map, counted.
  public mutating func fill(_ range: Range<Int>, counts: inout OperationCounts) {
    let range = range.clamped(to: 0..<layout.bitmapBytes)
    guard !range.isEmpty else { return }
    erase(range)
    counts.fills += 1
    counts.bytesFilled += range.count
  }

  /// Makes bytes `range` of the map read as `bitmap`'s without a CPU copying them: what a page
  /// mapping shows, or a map the kernel writes in place (not counted).
  public mutating func show(_ bitmap: IOBitmap, range: Range<Int>) {
    show(words: bitmap.words, range: range)
  }

  /// ``show(_:range:)`` of a bitmap's `words`, whose bytes in memory are the map's, 0xFF past
  /// their end.
  public mutating func show(words: [UInt64], range: Range<Int>) {
    let range = range.clamped(to: 0..<layout.bitmapBytes)
    guard !range.isEmpty else { return }
    let inside = range.clamped(to: 0..<words.count * 8)
    guard !inside.isEmpty else {
      erase(range)
      return
    }
    #if _endian(little)
      // The words lie in memory as the map's bytes: one copy.
      words.withUnsafeBytes { words in
        segment.write(UnsafeRawBufferPointer(rebasing: words[inside]), at: layout.validMap + inside.lowerBound)
      }
    #else
      segment.write(inside.map { Self.byte($0, of: words) }, at: layout.validMap + inside.lowerBound)
    #endif
    if range.lowerBound < inside.lowerBound { erase(range.lowerBound..<inside.lowerBound) }
    if inside.upperBound < range.upperBound { erase(inside.upperBound..<range.upperBound) }
  }

  /// Byte `offset` of a map whose bits are `words` (port `p` is bit `p % 64` of word `p / 64`):
  /// 0xFF past them.
  @inlinable
  public static func byte(_ offset: Int, of words: [UInt64]) -> UInt8 {
    guard offset / 8 < words.count else { return 0xFF }
    return UInt8(truncatingIfNeeded: words[offset / 8] >> UInt64(8 * (offset % 8)))
  }

  /// Makes bytes `range` of the map read as 0xFF without a CPU filling them (not counted).
  public mutating func erase(_ range: Range<Int>) {
    let range = range.clamped(to: 0..<layout.bitmapBytes)
    guard !range.isEmpty else { return }
    segment.fill(0xFF, at: layout.validMap + range.lowerBound, count: range.count)
  }

  /// A VM exit set the limit to 0x67: reload TR at once when the current thread uses its map
  /// (`invalidate_tss_limit()`), otherwise remember to do it when one does.
  public mutating func vmExit(currentUsesMap: Bool, counts: inout OperationCounts) {
    segment.limit = TaskStateSegment.vmExitLimit
    if currentUsesMap { reloadTR(counts: &counts) } else { limitInvalid = true }
  }

  /// `refresh_tss_limit()`: LTR if a VM exit cut the limit since the last one.
  public mutating func refreshLimit(counts: inout OperationCounts) {
    if limitInvalid { reloadTR(counts: &counts) }
  }

  /// `force_reload_TR()`: mark the descriptor available in Linux's read-only GDT, LTR.
  public mutating func reloadTR(counts: inout OperationCounts) {
    segment.limit = layout.limit
    limitInvalid = false
    DescriptorUpdate.readOnlyGDT.countReload(into: &counts)
  }

  /// Broken layout invariants at `place`: I1 (a non-0xFF byte past ``dirtyBytes`` or in the
  /// map's tail) and I2 (`mapall` not all zero with an all-ones tail).
  public func invariantViolations(at place: InvariantViolation.Place) -> [InvariantViolation] {
    var problems: [InvariantViolation] = []
    let map = layout.validMap
    let extent = dirtyBytes
    let tail = map + min(extent, layout.bitmapBytes + 8)..<map + layout.bitmapBytes + 8
    if let dirty = segment.firstOffset(in: tail, notEqualTo: 0xFF) {
      problems.append(InvariantViolation(.dirtyTail(offset: dirty - map, extent: extent), at: place))
    }
    let all = layout.validAll
    if segment.firstOffset(in: all..<all + layout.bitmapBytes, notEqualTo: 0) != nil
      || segment.firstOffset(in: all + layout.bitmapBytes..<all + layout.bitmapBytes + 8, notEqualTo: 0xFF) != nil
    {
      problems.append(InvariantViolation(.mapall, at: place))
    }
    return problems
  }

  /// I4 of the reference §4.3 broken: the base is valid (`VALID_MAP` or `VALID_ALL`) although
  /// `current` (nil: idle) lacks TIF_IO_BITMAP.
  public func validBaseWithoutFlag(current: ThreadID?, kernel: Kernel) -> Bool {
    guard base == layout.validMap || base == layout.validAll else { return false }
    return current.map { kernel[$0].needsIOBitmapUpdate } != true
  }

  /// True when bytes `0..<count` of the map equal those of `bitmap`.
  public func holds(_ bitmap: IOBitmap, bytes count: Int) -> Bool {
    let count = max(0, min(count, layout.bitmapBytes))
    #if _endian(little)
      let inside = min(count, bitmap.words.count * 8)
      let sameInside = bitmap.words.withUnsafeBytes { words in
        segment.bytesEqual(UnsafeRawBufferPointer(rebasing: words[0..<inside]), at: layout.validMap)
      }
      return sameInside
        && segment.firstOffset(in: layout.validMap + inside..<layout.validMap + count, notEqualTo: 0xFF) == nil
    #else
      return bitmap.bytesOrAllOnes(in: 0..<count) == Array(segment.bytes[layout.validMap..<layout.validMap + count])
    #endif
  }
}
