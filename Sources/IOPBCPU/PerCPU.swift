/// One value per CPU, indexed by ``CPUID``: the per-CPU variables of a kernel (`DEFINE_PER_CPU`)
/// as a collection, so that no plain `Int` stands for a CPU.
public struct PerCPU<Element>: RandomAccessCollection, MutableCollection {
  public var elements: [Element]

  /// `count` CPUs, each starting as `value` (boot leaves them alike).
  public init(repeating value: Element, count: Int) {
    elements = Array(repeating: value, count: count)
  }

  public init(_ elements: [Element]) { self.elements = elements }

  @inlinable public var startIndex: CPUID { 0 }
  @inlinable public var endIndex: CPUID { CPUID(rawValue: elements.count) }

  public subscript(cpu: CPUID) -> Element {
    @inlinable _read { yield elements[cpu.rawValue] }
    @inlinable _modify { yield &elements[cpu.rawValue] }
  }
}

extension PerCPU: Equatable where Element: Equatable {}
extension PerCPU: Hashable where Element: Hashable {}
extension PerCPU: Sendable where Element: Sendable {}
