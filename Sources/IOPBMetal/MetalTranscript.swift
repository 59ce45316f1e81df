/// What the metal kernel reported, parsed from `scripts/metal-boot`'s lines (docs/metal.md
/// §Protocol): `I KEY VALUE`, `R ID A` / `R ID G ERROR`, `T KEY BYTES MIN MEDIAN`,
/// `K NAME VECTOR DETAIL`, `Q KEY N …`, `E MESSAGE`, `DONE`.
public struct MetalTranscript: Sendable, Hashable {
  /// What the CPU did with one access.
  public enum Result: Sendable, Hashable, CustomStringConvertible {
    case allowed
    /// #GP with its error code.
    case generalProtection(error: UInt64)
    /// Any other trap (its vector), which no vector should raise.
    case other(vector: UInt64)

    public var isAllowed: Bool { self == .allowed }

    public var description: String {
      switch self {
      case .allowed: "allow"
      case .generalProtection(let error): error == 0 ? "deny (#GP)" : "deny (#GP error 0x\(String(error, radix: 16)))"
      case .other(let vector): "trap 0x\(String(vector, radix: 16))"
      }
    }
  }

  /// One `T` line: cycles of an operation, the minimum and median of many runs.
  public struct Timing: Sendable, Hashable {
    public var key: String
    public var bytes: Int
    public var minimum: Double
    public var median: Double
  }

  /// One `K` line: what an INT 0x80 from CPL 3 raised (0x80: it arrived; 8: #DF).
  public struct IsolationAttempt: Sendable, Hashable {
    public var name: String
    public var vector: UInt64
    public var detail: UInt64
  }

  public var info: [String: String] = [:]
  public var results: [Int: Result] = [:]
  public var timings: [Timing] = []
  public var isolation: [IsolationAttempt] = []
  /// `Q` lines in order: a design run's counts.
  public var counts: [[String: UInt64]] = []
  public var errors: [String] = []
  public var finished = false

  public init() {}

  /// Parses the boot script's standard output; unknown lines are ignored.
  public init(parsing text: String) {
    for line in text.split(whereSeparator: \.isNewline) {
      let fields = line.split(separator: " ").map(String.init)
      guard let tag = fields.first else { continue }
      switch tag {
      case "I" where fields.count >= 2:
        info[fields[1]] = fields.dropFirst(2).joined(separator: " ")
      case "R" where fields.count >= 3:
        guard let id = Int(fields[1], radix: 16) else { continue }
        switch fields[2] {
        case "A": results[id] = .allowed
        case "G": results[id] = .generalProtection(error: fields.count > 3 ? UInt64(fields[3], radix: 16) ?? 0 : 0)
        default: results[id] = .other(vector: fields.count > 3 ? UInt64(fields[3], radix: 16) ?? 0 : 0)
        }
      case "T" where fields.count == 5:
        guard let bytes = Int(fields[2]), let minimum = Double(fields[3]), let median = Double(fields[4]) else { continue }
        timings.append(Timing(key: fields[1], bytes: bytes, minimum: minimum, median: median))
      case "K" where fields.count == 4:
        guard let vector = UInt64(fields[2], radix: 16), let detail = UInt64(fields[3], radix: 16) else { continue }
        isolation.append(IsolationAttempt(name: fields[1], vector: vector, detail: detail))
      case "Q":
        var values: [String: UInt64] = [:]
        var index = 1
        while index + 1 < fields.count {
          values[fields[index]] = UInt64(fields[index + 1])
          index += 2
        }
        counts.append(values)
      case "E":
        errors.append(fields.dropFirst().joined(separator: " "))
      case "DONE":
        finished = true
      default:
        continue
      }
    }
  }

  /// The accelerator QEMU ran the CPU with (`kvm` or `tcg`), from the boot script.
  public var accelerator: String { info["accel"] ?? "unknown" }
  /// The guest CPU's vendor and brand (CPUID), from a timing run.
  public var cpu: String { info["cpu"] ?? info["host-cpu"] ?? "unknown CPU" }
}
