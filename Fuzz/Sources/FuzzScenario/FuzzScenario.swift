import IOPBScenario

/// libFuzzer's entry: any bytes, read as UTF-8 text (invalid sequences replaced), go to the
/// scenario parser, which must return a scenario or its errors and never crash. A scenario
/// that parses must also describe its errors-free self: every step keeps the line it came from.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenario(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  do {
    let scenario = try ScenarioParser.parse(text, source: "fuzz.scn")
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).count
    for step in scenario.steps where !(1...lines).contains(step.location.line) {
      fatalError("a step claims line \(step.location.line) of a \(lines)-line text")
    }
  } catch {
    for failure in error.errors where failure.location.line < 0 {
      fatalError("an error at line \(failure.location.line): \(failure)")
    }
  }
  return 0
}
