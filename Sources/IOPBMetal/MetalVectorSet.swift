import IOPBCPU
import IOPBSimulator

/// The differential's vectors: the edges of the CPU check's table tests, and seeded random ones
/// drawn around the places where the check can go wrong (the limit, the terminator, port
/// 0xFFFF, a window across two bytes, IOPL).
public enum MetalVectorSet {
  /// The map at 0x68 with the ports in `allowed` cleared (the rest of the map ones), the
  /// terminator byte after 8 KiB when `terminator`, and the limit ending at the terminator
  /// (or the last map byte), as `IOPermissionCheckTests`' `makeTSS`.
  static func vector(
    _ name: String, allowed: [ClosedRange<Int>], access: IOAccess, iopl: PrivilegeLevel = .ring0,
    terminator: Bool = true, base: Int = 0x68, limit: Int? = nil
  ) -> MetalVector {
    let allowsAll = allowed.contains { $0 == 0...0xFFFF }
    var bytes: [Int: UInt8] = [:]
    if !allowsAll {
      for range in allowed {
        for port in range { bytes[base + port / 8, default: 0xFF] &= ~(1 << UInt8(port % 8)) }
      }
    }
    var patches = bytes.sorted { $0.key < $1.key }.map { MapPatch(offset: $0.key, value: $0.value) }
    if allowsAll {
      // The map all zero (fill 0), ones from its end on.
      patches = (0..<16).map { MapPatch(offset: base + 8192 + $0, value: 0xFF) }
    }
    let end = base + 8192 + (terminator ? 1 : 0)
    return MetalVector(
      name: name, limit: limit ?? end - 1, base: UInt16(base), iopl: iopl, access: access,
      fill: allowsAll ? 0 : 0xFF, patches: patches)
  }

  /// The cases of `Tests/IOPBCPUTests/IOPermissionCheckTests.swift` that run at CPL 3.
  public static let edges: [MetalVector] = [
    vector("byte allowed", allowed: [0x80...0x80], access: IOAccess(port: 0x80)),
    vector("neighbour of an allowed byte", allowed: [0x80...0x80], access: IOAccess(port: 0x81)),
    vector("word across a byte boundary, upper bit set", allowed: [7...7], access: IOAccess(port: 7, width: .word)),
    vector("word across a byte boundary, both clear", allowed: [7...8], access: IOAccess(port: 7, width: .word)),
    vector("dword across a byte boundary, last bit set", allowed: [6...8], access: IOAccess(port: 6, width: .dword)),
    // The table's 0x3fd would read COM1 (MetalVector.protocolUART); 0x4d has the same bit layout.
    vector("dword across a byte boundary, all clear", allowed: [0x4d...0x50], access: IOAccess(port: 0x4d, width: .dword)),
    vector("dword at bit 5", allowed: [0x15...0x17], access: IOAccess(port: 0x15, width: .dword)),
    vector("port 0xffff byte reads the terminator", allowed: [0xFFFF...0xFFFF], access: IOAccess(port: 0xFFFF)),
    vector("port 0xffff word: bit 0x10000 in the terminator", allowed: [0xFFF0...0xFFFF], access: IOAccess(port: 0xFFFF, width: .word)),
    vector("port 0xffff dword", allowed: [0xFFF0...0xFFFF], access: IOAccess(port: 0xFFFF, width: .dword)),
    vector("port 0xfffc dword fits", allowed: [0xFFFC...0xFFFF], access: IOAccess(port: 0xFFFC, width: .dword)),
    vector("missing terminator: second byte past the limit", allowed: [0...0xFFFF], access: IOAccess(port: 0xFFF8), terminator: false),
    vector("missing terminator: lower ports unaffected", allowed: [0...0xFFFF], access: IOAccess(port: 0xFFF7), terminator: false),
    vector("base at the limit", allowed: [0...0xFFFF], access: IOAccess(port: 0), base: 0x68, limit: 0x68),
    vector("base past the limit (Linux's INVALID offset)", allowed: [0...0xFFFF], access: IOAccess(port: 0), base: 0x100, limit: 0xFF),
    vector("limit inside the map: ports covered", allowed: [0...0xFFFF], access: IOAccess(port: 79), limit: 0x68 + 10),
    vector("limit inside the map: SDM's 80-port example", allowed: [0...0xFFFF], access: IOAccess(port: 80), limit: 0x68 + 10),
    vector("VMX limit 0x67 denies every port", allowed: [0...0xFFFF], access: IOAccess(port: 0x80), limit: TaskStateSegment.vmExitLimit),
    vector("IOPL 3 at CPL 3 skips the map", allowed: [], access: IOAccess(port: 0xFFFF, width: .dword), iopl: .ring3, base: 0x4000, limit: 0x67),
    vector("IOPL 2 at CPL 3 reads the map", allowed: [], access: IOAccess(port: 1), iopl: .ring2),
    // Below 0x67 the map lies in the hardware part (RSP1, zero): the SDM reading allows.
    MetalVector(name: "limit below 0x67, map on zero bytes of the hardware part", limit: 0x40, base: 0x10,
      access: IOAccess(port: 0), fill: 0xFF),
    MetalVector(name: "limit below 0x67, map on RSP0's bytes", limit: 0x40, base: 0x4,
      access: IOAccess(port: 8, width: .word), fill: 0xFF),
  ]

  /// `count` vectors drawn from `seed` (``SimulationRandom``): the same seed gives the same
  /// vectors.
  public static func random(count: Int, seed: UInt64) -> [MetalVector] {
    var random = SimulationRandom(seed: seed)
    return (0..<count).map { _ in randomVector(&random) }
  }

  static func randomVector(_ random: inout SimulationRandom) -> MetalVector {
    let top = MetalVector.tssSize - 1
    if random.chance(permille: 30) { return shortTSSVector(&random) }
    let base: Int
    switch random.uniform(0...3) {
    case 0: base = 0x68
    case 1: base = [0x78, 0x88, 0x2080, 0x4088].randomElement(using: &random) ?? 0x68
    default: base = random.uniform(0x68...0xFFFF)
    }
    let limit: Int
    switch random.uniform(0...6) {
    case 0: limit = TaskStateSegment.vmExitLimit
    case 1: limit = min(top, base + 0x2000)  // map plus terminator
    case 2: limit = min(top, base + 0x1FFF)  // no terminator
    case 3: limit = max(0x67, min(top, base + random.uniform(-2...0x2002)))  // ends inside the map
    case 4: limit = max(0x67, base - random.uniform(0...2))  // base at or past the limit
    default: limit = random.uniform(0x67...top)
    }
    let port: Int
    switch random.uniform(0...4) {
    case 0: port = random.uniform(0xFFF0...0xFFFF)
    case 1: port = min(0xFFFF, max(0, (limit - base) * 8 + random.uniform(-24...8)))  // at the limit
    case 2: port = random.uniform(0...0x3FF)
    default: port = random.uniform(0...0xFFFF)
    }
    var width = IOAccessWidth.allCases.randomElement(using: &random) ?? .byte
    if MetalVector.touchesUARTWide(IOAccess(port: UInt16(port), width: width)) { width = .byte }
    let iopl: PrivilegeLevel
    switch random.uniform(0...9) {
    case 0: iopl = .ring3
    case 1: iopl = .ring1
    case 2: iopl = .ring2
    default: iopl = .ring0
    }
    let fill: UInt8
    switch random.uniform(0...3) {
    case 0: fill = 0
    case 1: fill = 0xFF
    default: fill = UInt8(truncatingIfNeeded: random.next())
    }
    // The two bytes the access reads, their neighbours, and the terminator.
    var patches: [Int: UInt8] = [:]
    let first = base + port / 8
    for offset in (first - 1)...(first + 2) where random.chance(permille: 600) {
      patches[offset] = randomByte(&random)
    }
    if random.chance(permille: 500) { patches[base + 0x2000] = random.chance(permille: 500) ? 0xFF : randomByte(&random) }
    let valid = patches.filter { $0.key >= MetalVector.lowestBase && $0.key < MetalVector.tssSize }
    return MetalVector(
      limit: limit, base: UInt16(base), iopl: iopl, access: IOAccess(port: UInt16(port), width: width), fill: fill,
      patches: valid.sorted { $0.key < $1.key }.map { MapPatch(offset: $0.key, value: $0.value) })
  }

  /// A limit below 0x67 and a map inside the hardware part.
  static func shortTSSVector(_ random: inout SimulationRandom) -> MetalVector {
    let limit = random.uniform(MetalVector.lowestLimit...0x66)
    let base = random.uniform(0...(limit + 2))
    let port = random.uniform(0...max(0, (limit - base) * 8 + 16))
    return MetalVector(
      limit: limit, base: UInt16(base), iopl: random.chance(permille: 100) ? .ring3 : .ring0,
      access: IOAccess(port: UInt16(port), width: IOAccessWidth.allCases.randomElement(using: &random) ?? .byte),
      fill: 0xFF)
  }

  /// A byte with few bits set, many set, or any.
  static func randomByte(_ random: inout SimulationRandom) -> UInt8 {
    switch random.uniform(0...3) {
    case 0: 0
    case 1: ~(1 << UInt8(random.uniform(0...7)))
    case 2: 1 << UInt8(random.uniform(0...7))
    default: UInt8(truncatingIfNeeded: random.next())
    }
  }
}
