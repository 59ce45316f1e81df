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
/// holds the kernel's RSP0 and IST1 (``hardwarePart``) and zeros, so a map base below 0x68
/// reads known bytes.
public struct MetalVector: Sendable, Hashable, CustomStringConvertible {
  /// The metal kernel's TSS memory for vectors (`Layout.vectorTSSSize`): a base up to 0xFFFF
  /// plus 8 KiB and a terminator.
  public static let tssSize = 0x13000
  /// The first byte a vector's fill and patches may set: the end of the hardware part.
  public static let lowestBase = TaskStateSegment.hardwareSize
  /// The smallest limit: RSP0 and IST1 stay inside the segment, so traps still reach the kernel.
  public static let lowestLimit = 0x2F
  /// What the metal kernel keeps in the hardware part of the vector TSS (metal/kernel/
  /// Layout.swift: RSP0 = the entry stack's top 0x20A000 at offset 4, IST1 = the #DF stack's
  /// top 0x20C000 at 0x24); every other byte below 0x66 is 0.
  public static let hardwarePart: [(offset: Int, value: UInt64)] = [(4, 0x20A000), (0x24, 0x20C000)]

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

  /// Whether the metal kernel accepts the vector: limit from ``lowestLimit`` to the end of its
  /// memory, patches from 0x68 on, no wide access to the protocol UART.
  public var isValid: Bool {
    limit >= Self.lowestLimit && limit < Self.tssSize
      && patches.allSatisfy { $0.offset >= Self.lowestBase && $0.offset < Self.tssSize }
      && !Self.touchesUARTWide(access)
  }

  /// The TSS as the model sees it.
  public var tss: TaskStateSegment {
    var tss = TaskStateSegment(size: Self.tssSize, limit: limit)
    for (offset, value) in Self.hardwarePart { tss.writeLittleEndian(value, at: offset, width: 8) }
    tss.fill(fill, at: Self.lowestBase, count: Self.tssSize - Self.lowestBase)
    for patch in patches { tss.write([patch.value], at: patch.offset) }
    tss.ioMapBase = base
    return tss
  }

  /// Whether QEMU's TCG check departs from the SDM reading on this vector: QEMU denies every
  /// port while TR's limit is below 0x67 (`check_io()` in `target/i386/tcg/seg_helper.c`: "TSS
  /// must be a valid 32 bit one", `env->tr.limit < 103` → #GP), where the SDM (vol. 1 §13.5.2)
  /// only requires both map bytes within the limit.
  public var qemuDeniesShortTSS: Bool { limit < TaskStateSegment.vmExitLimit }

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
