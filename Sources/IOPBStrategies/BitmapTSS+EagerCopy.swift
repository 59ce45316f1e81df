import IOPBCost
import IOPBKernel

extension BitmapTSS {
  /// `__switch_to()`'s bitmap handling before Linux 5.5 (`linux-2.6.8-full`, `linux-4.x-eager`):
  /// copy `thread`'s bitmap in, or erase what the previous one left when `thread` has none. The
  /// whole map each time when `wholeMap` (2.6.8); otherwise up to the larger of both extents
  /// (`max(prev->io_bitmap_max, next->io_bitmap_max)`), erasing only the previous one. The base
  /// stays valid: at the map, or at `mapall` for `iopl(3)`.
  mutating func copyEagerly(
    _ thread: ThreadID?, kernel: Kernel, wholeMap: Bool, counts: inout OperationCounts
  ) {
    if let thread, let bitmap = kernel.bitmap(of: thread) {
      copy(bitmap, range: 0..<(wholeMap ? layout.bitmapBytes : max(dirtyBytes, bitmap.maxBytes)), counts: &counts)
      dirtyBytes = bitmap.maxBytes
    } else if dirtyBytes > 0 {
      fill(0..<(wholeMap ? layout.bitmapBytes : dirtyBytes), counts: &counts)
      dirtyBytes = 0
    }
    let view = PortView(of: thread, in: kernel)
    setBaseIfChanged(view == .all ? layout.validAll : layout.validMap, counts: &counts)
    if view.grantsPorts { refreshLimit(counts: &counts) }
  }
}
