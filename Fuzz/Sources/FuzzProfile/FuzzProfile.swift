import IOPBCost

/// libFuzzer's entry: any bytes, read as UTF-8 text (invalid sequences replaced), go to the
/// cycle-profile parser, which must return a profile or one error and never crash. A profile
/// that parses must survive its own file text: `fileText` read back gives the same figures.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProfile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  guard let profile = try? CycleProfile.parse(text, source: "fuzz.profile") else { return 0 }
  do {
    let again = try CycleProfile.parse(profile.fileText, source: "fuzz.profile")
    if again.residency != profile.residency || again.figures.mapValues(\.value) != profile.figures.mapValues(\.value) {
      fatalError("fileText does not read back to the same figures:\n\(profile.fileText)")
    }
  } catch {
    fatalError("fileText does not parse: \(error)\n\(profile.fileText)")
  }
  return 0
}
