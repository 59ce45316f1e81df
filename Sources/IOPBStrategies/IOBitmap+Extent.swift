import IOPBKernel

extension IOBitmap {
  /// The bytes at `range` as they lie in memory, 0xFF (all denied) past the bitmap's end, so a
  /// design whose map is longer than the kernel's port count copies denials there.
  public func bytesOrAllOnes(in range: Range<Int>) -> [UInt8] {
    let inside = range.clamped(to: 0..<(words.count * 8))
    guard !inside.isEmpty else { return [UInt8](repeating: 0xFF, count: range.count) }
    var result = [UInt8](repeating: 0xFF, count: inside.lowerBound - range.lowerBound)
    result += bytes(count: inside.upperBound)[inside]
    result += repeatElement(0xFF, count: range.upperBound - inside.upperBound)
    return result
  }

  /// The bytes from the first to the last long holding a zero bit, in whole longs: the range
  /// V1 5/9 tracks as `io_zerobits_start`/`io_zerobits_end`. Empty when no port is allowed.
  public var zeroBitsRange: Range<Int> {
    guard let first = words.firstIndex(where: { $0 != ~0 }), let last = lastWordWithZeroBit else {
      return 0..<0
    }
    return first * 8..<(last + 1) * 8
  }

  /// One past the highest allowed port (HelenOS `iomap->elements`); 0 when none is allowed.
  public var allowedPortEnd: Int {
    guard let last = lastWordWithZeroBit else { return 0 }
    let word = ~words[last]
    return last * 64 + (64 - word.leadingZeroBitCount)
  }
}
