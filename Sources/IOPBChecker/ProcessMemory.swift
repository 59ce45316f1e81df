import Foundation

/// The process's resident memory from `/proc/self/status` (Linux; nil elsewhere), in bytes.
enum ProcessMemory {
  /// `VmRSS`: resident now.
  static var resident: Int? { field("VmRSS:") }
  /// `VmHWM`: the peak resident so far.
  static var peak: Int? { field("VmHWM:") }

  private static func field(_ name: String) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix(name) {
      let kilobytes = line.dropFirst(name.count).split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }
      return kilobytes.map { $0 * 1024 }
    }
    return nil
  }
}
