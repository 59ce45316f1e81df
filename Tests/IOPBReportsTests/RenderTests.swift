import Foundation
import IOPBReports
import Testing

/// Chromium on PATH, or nil.
let chromium: String? = ["chromium", "chromium-browser"].lazy.compactMap { name -> String? in
  let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
  return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}.first

/// The page rendered by headless Chromium, as `scripts/render-report` does it. Runs when
/// Chromium is installed, and must run (failing without it) with IOPB_RENDER=1, which
/// `scripts/test` sets after `scripts/render-report` installed it.
@Suite(.enabled(if: chromium != nil || ProcessInfo.processInfo.environment["IOPB_RENDER"] == "1"))
struct RenderTests {
  @Test func renderedPageIsNotBlankAndShowsTheCharts() throws {
    let browser = try #require(chromium, "IOPB_RENDER=1 but no chromium on PATH (scripts/render-report installs it)")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("iopb-render-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let page = folder.appendingPathComponent("report.html")
    try HTMLReport(try shortReport()).html.write(to: page, atomically: true, encoding: .utf8)
    let png = folder.appendingPathComponent("report.png")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: browser)
    process.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
      "--window-size=1240,3000", "--screenshot=\(png.path)", page.absoluteString,
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let image = try PNGImage(data: try Data(contentsOf: png))
    #expect(image.width == 1240 && image.height == 3000)
    var inked = 0
    var vermillion = 0
    var blue = 0
    func near(_ value: UInt8, _ target: Int) -> Bool { abs(Int(value) - target) <= 24 }
    for y in stride(from: 0, to: image.height, by: 2) {
      for x in stride(from: 0, to: image.width, by: 2) {
        let (r, g, b) = image.pixel(x, y)
        if r < 235 || g < 235 || b < 235 { inked += 1 }
        if near(r, 0xD5), near(g, 0x5E), near(b, 0x00) { vermillion += 1 }
        if near(r, 0x00), near(g, 0x72), near(b, 0xB2) { blue += 1 }
      }
    }
    let sampled = (image.width / 2) * (image.height / 2)
    #expect(Double(inked) / Double(sampled) > 0.03, "\(inked) of \(sampled) sampled pixels are not white")
    // The charts' second and third lines (Okabe–Ito vermillion and blue) were drawn.
    #expect(vermillion > 50 && blue > 50, "vermillion \(vermillion), blue \(blue)")
  }
}
