/// An x86 privilege level: the CPL of running code or the IOPL field of EFLAGS (bits 12–13).
///
/// Ring 0 is the most privileged. SDM vol. 1 §13.5.1 "I/O Privilege Level": an I/O-sensitive
/// instruction runs without consulting the I/O permission bit map when CPL ≤ IOPL.
public enum PrivilegeLevel: UInt8, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
  case ring0 = 0, ring1, ring2, ring3

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

  public var description: String { "\(rawValue)" }
}
