/// Why the CPU allowed or refused a user-mode port access.
public enum IOPermissionDecision: Sendable, Hashable, Codable, CustomStringConvertible {
  /// CPL ≤ IOPL: allowed without reading the bit map.
  case allowedByIOPL
  /// Every tested permission bit was 0.
  case allowedByBitmap
  /// The bit for `port` is 1.
  case deniedByBit(port: Int)
  /// The map byte at TSS offset `offset` lies beyond the segment limit.
  case deniedByLimit(offset: Int)

  public var isAllowed: Bool {
    switch self {
    case .allowedByIOPL, .allowedByBitmap: true
    case .deniedByBit, .deniedByLimit: false
    }
  }

  public var description: String {
    switch self {
    case .allowedByIOPL: "allowed (CPL ≤ IOPL)"
    case .allowedByBitmap: "allowed (bits clear)"
    case .deniedByBit(let port): "#GP (bit for port 0x\(String(port, radix: 16)) set)"
    case .deniedByLimit(let offset):
      "#GP (map byte at TSS+0x\(String(offset, radix: 16)) beyond limit)"
    }
  }
}

/// The protected-mode I/O permission check of IN, OUT, INS and OUTS.
///
/// SDM vol. 2 IN/OUT pseudocode: `IF (PE = 1) and ((CPL > IOPL) or (VM = 1)) THEN IF (any I/O
/// permission bit for the port = 1) THEN #GP(0)`. SDM vol. 1 §13.5.2: the CPU always reads two
/// bytes of the map, at `base + port / 8` and the next one; a byte beyond the TSS limit counts as
/// all ones. So an access is allowed by the map only if both bytes lie within the limit and all
/// `width` bits starting at bit `port % 8` of that 16-bit window are 0.
public enum IOPermissionCheck {
  /// Decides a port access by code running at `cpl` with EFLAGS.IOPL = `iopl` under `tss`.
  @inlinable
  public static func decide(
    _ access: IOAccess, tss: TaskStateSegment, cpl: PrivilegeLevel = .ring3,
    iopl: PrivilegeLevel = .ring0
  ) -> IOPermissionDecision {
    decide(access, bytes: tss.bytes, base: Int(tss.ioMapBase), limit: tss.limit, cpl: cpl, iopl: iopl)
  }

  /// ``decide(_:tss:cpl:iopl:)`` on a TSS whose memory is `bytes` with the I/O map base
  /// `base` and the inclusive limit `limit`, whatever the base field in `bytes` holds: the
  /// check a hypervisor makes for a guest on the guest's TSS under its own pointer (Xen PV's
  /// `guest_io_okay()` with `iobmp` and `iobmp_limit`).
  @inlinable
  public static func decide(
    _ access: IOAccess, bytes: [UInt8], base: Int, limit: Int, cpl: PrivilegeLevel = .ring3,
    iopl: PrivilegeLevel = .ring0
  ) -> IOPermissionDecision {
    decide(access, size: bytes.count, base: base, limit: limit, cpl: cpl, iopl: iopl) { bytes[$0] }
  }

  /// ``decide(_:tss:cpl:iopl:)`` on a TSS of `size` bytes whose byte at each offset is
  /// `byte(offset)`, with the I/O map base `base` and the inclusive limit `limit`: the check
  /// through memory that is not one array, such as a bitmap's pages mapped into the TSS
  /// (`remap-invlpg`). `byte` is asked only for offsets below `size`.
  @inlinable
  public static func decide(
    _ access: IOAccess, size: Int, base: Int, limit: Int, cpl: PrivilegeLevel = .ring3,
    iopl: PrivilegeLevel = .ring0, byte: (Int) -> UInt8
  ) -> IOPermissionDecision {
    if cpl <= iopl { return .allowedByIOPL }
    let first = base + Int(access.port) / 8
    for offset in first...(first + 1) where offset > limit || !(0..<size).contains(offset) {
      return .deniedByLimit(offset: offset)
    }
    let window = UInt16(byte(first)) | UInt16(byte(first + 1)) << 8
    let shift = Int(access.port) % 8
    for bit in 0..<access.width.rawValue where window >> (shift + bit) & 1 == 1 {
      return .deniedByBit(port: Int(access.port) + bit)
    }
    return .allowedByBitmap
  }
}
