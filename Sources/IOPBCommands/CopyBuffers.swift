/// A source and a destination buffer for timing copies: 64-byte aligned (a cache line), the
/// source filled with 0x5A and the destination with 0xFF as a bitmap starts, freed after `body`.
func withCopyBuffers<Result>(
  source sourceBytes: Int, destination destinationBytes: Int,
  _ body: (UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Result
) -> Result {
  let source = UnsafeMutableRawPointer.allocate(byteCount: sourceBytes, alignment: 64)
  let destination = UnsafeMutableRawPointer.allocate(byteCount: destinationBytes, alignment: 64)
  defer {
    source.deallocate()
    destination.deallocate()
  }
  source.initializeMemory(as: UInt8.self, repeating: 0x5A, count: sourceBytes)
  destination.initializeMemory(as: UInt8.self, repeating: 0xFF, count: destinationBytes)
  return body(source, destination)
}
