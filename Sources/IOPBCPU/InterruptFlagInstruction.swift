/// CLI and STI: governed by IOPL only, never by the I/O permission bit map.
///
/// SDM vol. 2 CLI/STI decision table (protected mode, CR4.PVI = 0): the flag changes when
/// IOPL ≥ CPL, otherwise #GP(0).
public enum InterruptFlagInstruction: String, Sendable, Hashable, Codable, CaseIterable {
  case cli, sti

  /// The instruction's one-byte opcode (0xFA, 0xFB), which Linux's `fixup_iopl_exception()` reads.
  public var opcode: UInt8 { self == .cli ? 0xFA : 0xFB }

  /// True when the CPU executes the instruction; false when it raises #GP(0).
  public static func executes(cpl: PrivilegeLevel, iopl: PrivilegeLevel) -> Bool { iopl >= cpl }
}
