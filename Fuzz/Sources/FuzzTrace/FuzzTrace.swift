import IOPBTrace

/// libFuzzer's entry: any bytes, split at `\n` as `LineReader` splits a trace, go line by line
/// to the trace-line parser, which must classify every line (event, header, lost events or
/// malformed with a reason) and never crash, whatever the bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTrace(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = UnsafeBufferPointer(start: data, count: size)
  var start = 0
  while start <= size {
    var end = start
    while end < size, bytes[end] != UInt8(ascii: "\n") { end += 1 }
    _ = TraceLineParser.parse(UnsafeBufferPointer(rebasing: bytes[start..<end]))
    start = end + 1
  }
  return 0
}
