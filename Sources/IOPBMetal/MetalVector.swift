import IOPBCPU

/// One byte of the I/O map region set to a value, at a TSS offset (≥ 0x68).
public struct MapPatch: Sendable, Hashable {
  public var offset: Int
  public var value: UInt8

  public init(offset: Int, value: UInt8) {
    self.offset = offset
    self.value = value
  }
}

/// One test vector of the differential: a TSS exactly as the metal kernel sets it, and the
/// port access its CPL-3 code executes.
///
/// The TSS is ``tssSize`` bytes: bytes from 0x68 on are ``fill``, then the ``patches``; the
/// I/O map base at 0x66 is ``base`` and TR's inclusive limit is ``limit``. The hardware part
/// (0–0x65) holds the kernel's stack pointers, which the model leaves zero: a vector's base is
/// at least 0x68 so that no map byte read lies there.
public struct MetalVector: Sendable, Hashable, CustomStringConvertible {
  /// The metal kernel's TSS memory for vectors (`Layout.vectorTSSSize`): a base up to 0xFFFF
  /// plus 8 KiB and a terminator.
  public static let tssSize = 0x13000
  /// The lowest map base a vector may use: the end of the hardware part.
  public static let lowestBase = TaskStateSegment.hardwareSize

  /// What the vector tests, for edge vectors; nil for random ones.
  public var name: String?
  public var limit: Int
  public var base: UInt16
  public var iopl: PrivilegeLevel
  public var access: IOAccess
  public var fill: UInt8
  public var patches: [MapPatch]

  public init(
    name: String? = nil, limit: Int, base: UInt16, iopl: PrivilegeLevel = .ring0, access: IOAccess,
    fill: UInt8, patches: [MapPatch] = []
  ) {
    self.name = name
    self.limit = limit
    self.base = base
    self.iopl = iopl
    self.access = access
    self.fill = fill
    self.patches = patches
  }

  /// COM1, the kernel's protocol channel. QEMU 7.2 aborts on an IN of 2 or 4 bytes that runs
  /// past the end of its 8 ports (`serial_ioport_read`: "Assertion `size == 1 && addr < 8'
  /// failed", found by this differential), so no multi-byte access touches it.
  public static let protocolUART = 0x3F8...0x3FF

  /// Whether an allowed `access` would read the protocol UART with more than one byte.
  public static func touchesUARTWide(_ access: IOAccess) -> Bool {
    access.width != .byte && access.ports.overlaps(protocolUART)
  }

  /// Whether the metal kernel accepts the vector: limit from 0x67 (the smallest a 64-bit TSS
  /// may have, SDM vol. 3 §8.2.1) to the end of its memory, base from 0x68 to 0xFFFF, patches
  /// inside the map region.
  public var isValid: Bool {
    limit >= TaskStateSegment.vmExitLimit && limit < Self.tssSize && Int(base) >= Self.lowestBase
      && patches.allSatisfy { $0.offset >= Self.lowestBase && $0.offset < Self.tssSize }
      && !Self.touchesUARTWide(access)
  }

  /// The TSS as the model sees it.
  public var tss: TaskStateSegment {
    var tss = TaskStateSegment(size: Self.tssSize, limit: limit)
    tss.fill(fill, at: Self.lowestBase, count: Self.tssSize - Self.lowestBase)
    for patch in patches { tss.write([patch.value], at: patch.offset) }
    tss.ioMapBase = base
    return tss
  }

  /// `IOPBCPU`'s decision for the access at CPL 3.
  public var modelDecision: IOPermissionDecision {
    IOPermissionCheck.decide(access, tss: tss, cpl: .ring3, iopl: iopl)
  }

  /// The program line (`V id limit base iopl width port fill n (offset value)×n`, hex).
  public func line(id: Int) -> String {
    var fields = [id, limit, Int(base), Int(iopl.rawValue), access.width.rawValue, Int(access.port), Int(fill), patches.count]
    for patch in patches { fields += [patch.offset, Int(patch.value)] }
    return "V " + fields.map { String($0, radix: 16) }.joined(separator: " ")
  }

  public var description: String {
    let what = name.map { "\($0): " } ?? ""
    let hex = { (value: Int) in "0x" + String(value, radix: 16) }
    return "\(what)\(access) iopl \(iopl) limit \(hex(limit)) base \(hex(Int(base))) fill \(hex(Int(fill)))"
      + (patches.isEmpty ? "" : " patches " + patches.map { "\(hex($0.offset))=\(hex(Int($0.value)))" }.joined(separator: ","))
  }
}
