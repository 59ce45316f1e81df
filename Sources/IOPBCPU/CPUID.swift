/// A logical processor, numbered from 0: the index of its TSS, its task register and its
/// current thread. Machines, strategies and workloads name CPUs only by this type.
public struct CPUID: RawRepresentable, Sendable, Hashable, Codable, Strideable, ExpressibleByIntegerLiteral,
  CustomStringConvertible
{
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }
  public init(integerLiteral value: Int) { rawValue = value }

  public func distance(to other: CPUID) -> Int { other.rawValue - rawValue }
  public func advanced(by n: Int) -> CPUID { CPUID(rawValue: rawValue + n) }

  /// `cpu0`, `cpu1`, …: the spelling of scenario files and messages.
  public var description: String { "cpu\(rawValue)" }
}
