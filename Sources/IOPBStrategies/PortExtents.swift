import IOPBKernel

/// A set of ports kept as runs: sorted, disjoint and never adjacent half-open ranges, each a
/// run of ports a design grants. Zircon's `bitmap::RleBitmap` (`zircon/system/ulib/bitmap`,
/// extents of `bitoff` and `bitlen`) holds an address space's ports this way; seL4's IOPort
/// capabilities are `[first, last]` ranges, which the maximal runs of a thread's ports stand for.
public struct PortExtents: Sendable, Hashable {
  /// The runs, ascending.
  public private(set) var runs: [Range<Int>]

  /// No port.
  public init() { runs = [] }

  /// The ports any of `views` grants among `kernel`'s ports: every port for `.all`, the
  /// bitmap's zero bits for `.map`, none for `.none` or a bitmap no longer alive.
  public init(union views: some Sequence<PortView>, kernel: borrowing Kernel) {
    let wordCount = (kernel.portCount + 63) / 64
    var allowed = [UInt64](repeating: 0, count: wordCount)
    for view in views {
      switch view {
      case .none: continue
      case .all:
        for index in allowed.indices { allowed[index] = ~0 }
      case .map(let id, _):
        guard let bitmap = kernel.bitmaps[id] else { continue }
        for index in 0..<min(allowed.count, bitmap.words.count) { allowed[index] |= ~bitmap.words[index] }
      }
    }
    runs = Self.runs(of: allowed, portCount: kernel.portCount)
  }

  /// The ports `thread` may reach (``PortView``), as runs.
  public init(of thread: ThreadID?, in kernel: borrowing Kernel) {
    self.init(union: [PortView(of: thread, in: kernel)], kernel: kernel)
  }

  /// True when `port` lies in a run.
  public func contains(_ port: Int) -> Bool {
    var low = 0
    var high = runs.count
    while low < high {
      let middle = (low + high) / 2
      if runs[middle].upperBound <= port { low = middle + 1 } else { high = middle }
    }
    return low < runs.count && runs[low].contains(port)
  }

  /// The ranges whose membership differs between `self` and `target`, ascending, each with
  /// whether `target` holds it: the `(port, len, enable)` calls that turn one into the other.
  public func edits(to target: PortExtents, portCount: Int) -> [(ports: Range<Int>, enable: Bool)] {
    let old = words(portCount: portCount)
    let new = target.words(portCount: portCount)
    let enabled = Self.runs(of: zip(old, new).map { ~$0 & $1 }, portCount: portCount)
    let disabled = Self.runs(of: zip(old, new).map { $0 & ~$1 }, portCount: portCount)
    return (enabled.map { ($0, true) } + disabled.map { ($0, false) }).sorted { $0.ports.lowerBound < $1.ports.lowerBound }
  }

  /// Adds (`enable`) or removes `ports`: `RleBitmap::SetNoAlloc`/`ClearNoAlloc`.
  public mutating func set(_ ports: Range<Int>, enable: Bool) {
    guard !ports.isEmpty else { return }
    var result: [Range<Int>] = []
    var pending = ports
    for run in runs {
      if enable {
        if run.upperBound < pending.lowerBound || run.lowerBound > pending.upperBound {
          result.append(run)
        } else {
          pending = min(run.lowerBound, pending.lowerBound)..<max(run.upperBound, pending.upperBound)
        }
      } else {
        if run.lowerBound < ports.lowerBound { result.append(run.lowerBound..<min(run.upperBound, ports.lowerBound)) }
        if run.upperBound > ports.upperBound { result.append(max(run.lowerBound, ports.upperBound)..<run.upperBound) }
      }
    }
    if enable { result.append(pending) }
    runs = result.filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
  }

  /// Writes every run into the map of `tss` as zero bits (`granting`) or as one bits: Zircon's
  /// `bitmap_clear()`/`bitmap_set()` over the extents, touching no other bit. Returns the runs
  /// written and the bytes they touch: each run is one store-only pass over its bytes.
  @discardableResult
  public func write(into tss: inout BitmapTSS, granting: Bool) -> (runs: Int, bytes: Int) {
    let map = tss.layout.validMap
    var written = (runs: 0, bytes: 0)
    for run in runs {
      let upper = min(run.upperBound, tss.layout.bitmapBytes * 8)
      guard run.lowerBound < upper else { continue }
      let first = run.lowerBound / 8
      let end = (upper + 7) / 8
      tss.segment.setBits(run.lowerBound..<upper, from: map, to: !granting)
      written.runs += 1
      written.bytes += end - first
    }
    return written
  }

  /// The runs as allowed-port words, bit `p % 64` of word `p / 64` set for a port in a run.
  func words(portCount: Int) -> [UInt64] {
    var words = [UInt64](repeating: 0, count: (portCount + 63) / 64)
    for run in runs {
      let upper = min(run.upperBound, portCount)
      var port = run.lowerBound
      while port < upper {
        let bit = port % 64
        let span = min(64 - bit, upper - port)
        let mask: UInt64 = span == 64 ? ~0 : ((1 << UInt64(span)) - 1) << UInt64(bit)
        words[port / 64] |= mask
        port += span
      }
    }
    return words
  }

  /// The maximal runs of set bits in `words`, below `portCount`.
  static func runs(of words: [UInt64], portCount: Int) -> [Range<Int>] {
    var runs: [Range<Int>] = []
    var start: Int?
    // The words holding ports below portCount.
    let count = min(words.count, (portCount + 63) / 64)
    var index = -1
    while index + 1 < count {
      index += 1
      let word = words[index]
      // A word that continues the current state (none open, or one open) changes nothing.
      if start == nil ? word == 0 : word == ~0 { continue }
      let base = index * 64
      let valid = portCount - base
      // Bits at or past portCount read as clear: a run still open ends at portCount.
      let bits = valid >= 64 ? word : word & ((1 << UInt64(valid)) - 1)
      // Jump from one transition to the next with trailing-zero counts.
      var bit = 0
      while bit < 64 {
        if let first = start {
          let clear = ~bits >> UInt64(bit)
          guard clear != 0 else { break }
          bit += clear.trailingZeroBitCount
          runs.append(first..<(base + bit))
          start = nil
        } else {
          let set = bits >> UInt64(bit)
          guard set != 0 else { break }
          bit += set.trailingZeroBitCount
          start = base + bit
        }
      }
    }
    if let first = start { runs.append(first..<portCount) }
    return runs
  }
}
