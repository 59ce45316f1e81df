/// The I/O-sensitive instructions that the CPU checks against IOPL and the I/O permission bit map.
///
/// SDM vol. 1 §13.5.2: IN, INS, OUT and OUTS (and their REP forms) are checked; CLI/STI are not
/// (see ``InterruptFlagInstruction``).
public enum IOInstruction: String, Sendable, Hashable, Codable, CaseIterable {
  case `in`, out, ins, outs
}

/// The operand size of a port access, in bytes.
public enum IOAccessWidth: Int, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
  case byte = 1, word = 2, dword = 4

  /// The mnemonic suffix: `b`, `w` or `l` (AT&T `inb`, `inw`, `inl`).
  public var suffix: String {
    switch self {
    case .byte: "b"
    case .word: "w"
    case .dword: "l"
    }
  }

  public var description: String { "\(rawValue)" }
}

/// One user-mode port access: an instruction, a first port (0–0xFFFF) and a width.
///
/// The access touches ports `port ..< port + width`; the CPU tests one permission bit per port
/// byte address (SDM vol. 1 §13.5.2).
public struct IOAccess: Sendable, Hashable, Codable, CustomStringConvertible {
  public var instruction: IOInstruction
  public var port: UInt16
  public var width: IOAccessWidth

  public init(_ instruction: IOInstruction = .in, port: UInt16, width: IOAccessWidth = .byte) {
    self.instruction = instruction
    self.port = port
    self.width = width
  }

  /// The port byte addresses the access covers; the last may exceed 0xFFFF.
  public var ports: ClosedRange<Int> { Int(port)...(Int(port) + width.rawValue - 1) }

  /// The mnemonic and operands, e.g. `inw 0x3f8`.
  public var description: String {
    "\(instruction.rawValue)\(width.suffix) 0x\(String(port, radix: 16))"
  }
}
