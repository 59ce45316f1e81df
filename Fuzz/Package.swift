// swift-tools-version: 6.1
import Foundation
import PackageDescription

// libFuzzer targets for iopb's parsers (docs/fuzzing.md), kept out of the main package so that
// its builds never need the sanitizer runtime. Every folder under Sources/ is one target: its
// single Swift file defines `LLVMFuzzerTestOneInput`, and the iopb modules it imports are its
// dependencies (each must be a library product of the main package). Its seed corpus is
// corpus/NAME/, NAME being the folder's name without "Fuzz", lower-cased. `scripts/fuzz` builds
// them with -sanitize=fuzzer,address and runs them.
let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Sources")
let names = ((try? FileManager.default.contentsOfDirectory(atPath: sources.path)) ?? [])
  .filter { $0.hasPrefix("Fuzz") }.sorted()

/// The `IOPB…` modules a target's sources import.
func imports(of name: String) -> [String] {
  let folder = sources.appendingPathComponent(name)
  let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
  let lines = files.compactMap { try? String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
    .flatMap { $0.split(separator: "\n") }
  let modules = lines.compactMap { line -> String? in
    let words = line.split(separator: " ")
    guard words.count == 2, words[0] == "import", words[1].hasPrefix("IOPB") else { return nil }
    return String(words[1])
  }
  return Array(Set(modules)).sorted()
}

let package = Package(
  name: "iopb-fuzz",
  dependencies: [.package(name: "iopb", path: "..")],
  targets: names.map { name in
    .executableTarget(
      name: name, dependencies: imports(of: name).map { .product(name: $0, package: "iopb") },
      swiftSettings: [.unsafeFlags(["-parse-as-library"])])
  },
  swiftLanguageModes: [.v6]
)
