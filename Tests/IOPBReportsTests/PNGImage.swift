import Foundation

/// The pixels of an 8-bit RGB or RGBA PNG (what Chromium's screenshots are), decoded just far
/// enough to look at them: chunks, zlib through the system's `libz.so.1` (loaded at run time, so
/// the package needs no zlib target), and the five scanline filters (PNG spec §9).
struct PNGImage {
  var width: Int
  var height: Int
  /// Bytes per pixel: 3 (RGB) or 4 (RGBA).
  var channels: Int
  /// Unfiltered rows, `width × channels` bytes each.
  var rows: [[UInt8]]

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  init(data: Data) throws {
    let bytes = [UInt8](data)
    guard bytes.count > 8, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
      throw Failure(description: "not a PNG signature")
    }
    func bigEndian(_ offset: Int) -> Int {
      bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    }
    var offset = 8
    var header: (width: Int, height: Int, depth: UInt8, colour: UInt8)?
    var compressed: [UInt8] = []
    while offset + 8 <= bytes.count {
      let length = bigEndian(offset)
      let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
      let start = offset + 8
      guard start + length <= bytes.count else { throw Failure(description: "chunk \(type) runs past the end") }
      if type == "IHDR" {
        header = (bigEndian(start), bigEndian(start + 4), bytes[start + 8], bytes[start + 9])
      } else if type == "IDAT" {
        compressed += bytes[start..<start + length]
      }
      offset = start + length + 4
    }
    guard let header, header.depth == 8, header.colour == 2 || header.colour == 6 else {
      throw Failure(description: "not an 8-bit RGB or RGBA PNG")
    }
    width = header.width
    height = header.height
    channels = header.colour == 6 ? 4 : 3
    let stride = width * channels
    let raw = try Self.inflate(compressed, expected: height * (stride + 1))
    rows = []
    var previous = [UInt8](repeating: 0, count: stride)
    for row in 0..<height {
      let base = row * (stride + 1)
      let filter = raw[base]
      var line = Array(raw[base + 1..<base + 1 + stride])
      for index in 0..<stride {
        let left = index >= channels ? Int(line[index - channels]) : 0
        let up = Int(previous[index])
        let upLeft = index >= channels ? Int(previous[index - channels]) : 0
        let predictor: Int
        switch filter {
        case 0: predictor = 0
        case 1: predictor = left
        case 2: predictor = up
        case 3: predictor = (left + up) / 2
        case 4:
          let estimate = left + up - upLeft
          let (a, b, c) = (abs(estimate - left), abs(estimate - up), abs(estimate - upLeft))
          predictor = a <= b && a <= c ? left : b <= c ? up : upLeft
        default: throw Failure(description: "row \(row): unknown filter \(filter)")
        }
        line[index] = UInt8(truncatingIfNeeded: Int(line[index]) + predictor)
      }
      rows.append(line)
      previous = line
    }
  }

  /// The (r, g, b) of the pixel at (`x`, `y`).
  func pixel(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
    let row = rows[y]
    let base = x * channels
    return (row[base], row[base + 1], row[base + 2])
  }

  /// zlib's `uncompress()` from `libz.so.1`.
  private static func inflate(_ input: [UInt8], expected: Int) throws -> [UInt8] {
    guard let library = dlopen("libz.so.1", RTLD_NOW), let symbol = dlsym(library, "uncompress") else {
      throw Failure(description: "libz.so.1 or its uncompress() is missing")
    }
    typealias Uncompress = @convention(c) (
      UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt
    ) -> Int32
    let uncompress = unsafeBitCast(symbol, to: Uncompress.self)
    var output = [UInt8](repeating: 0, count: expected)
    var length = UInt(expected)
    let status = output.withUnsafeMutableBufferPointer { out in
      input.withUnsafeBufferPointer { source in
        uncompress(out.baseAddress, &length, source.baseAddress, UInt(source.count))
      }
    }
    guard status == 0, Int(length) == expected else {
      throw Failure(description: "zlib status \(status), \(length) of \(expected) bytes")
    }
    return output
  }
}
