import IOPBOracle
import Testing

@Suite struct OutputTailTests {
  let stream = Array((1...100).map { "line \($0)\n" }.joined().utf8)

  /// However the stream is cut into reads, the tail is its last lines.
  @Test(arguments: [1, 7, 64, 100_000])
  func keepsTheLastLinesAcrossReads(chunk: Int) {
    var tail = OutputTail(lines: 40)
    var start = 0
    while start < stream.count {
      tail.append(stream[start..<min(start + chunk, stream.count)])
      start += chunk
    }
    #expect(tail.text == (61...100).map { "line \($0)" }.joined(separator: "\n"))
  }

  @Test func skipsEmptyLinesKeepsAnUnfinishedOneAndCutsLongOnes() {
    var tail = OutputTail(lines: 3)
    tail.append("a\n\n\nb\n".utf8)
    tail.append(String(repeating: "x", count: OutputTail.maximumLineLength + 10).utf8)
    #expect(tail.text == "a\nb\n" + String(repeating: "x", count: OutputTail.maximumLineLength))
  }
}
