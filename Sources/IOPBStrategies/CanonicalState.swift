import IOPBCPU
import IOPBKernel

/// A part of a design's state that a checker can rename and store: every thread, process,
/// bitmap, sequence and CPU number in it goes through a ``Renumbering``, and its bytes
/// (``encode(into:)``) determine it.
///
/// Every ``SwitchStrategy/State`` conforms, so that states differing only in numbering
/// collapse to one canonical state (``SwitchStrategy/renumbered(_:by:)``).
public protocol CanonicalState: Sendable, Hashable {
  /// The value with every number renamed; per-CPU parts move to their CPU's new number.
  func renumbered(by renumbering: Renumbering) -> Self
  /// Appends everything that decides the value's future behaviour to `encoder`.
  func encode(into encoder: inout StateEncoder)
}

extension Renumbering {
  /// The new number of `cpu`.
  public func cpu(_ cpu: CPUID) -> CPUID { CPUID(rawValue: self.cpu(cpu.rawValue)) }

  /// `values` with each CPU's element moved to the CPU's new number and renamed by `rename`.
  public func moved<Element>(_ values: PerCPU<Element>, _ rename: (Element) -> Element) -> PerCPU<Element> {
    PerCPU(cpuOrder.map { rename(values.elements[$0]) })
  }
}

extension TaskStateSegment {
  /// The limit and every byte.
  public func encode(into encoder: inout StateEncoder) {
    encoder.encode(limit)
    encoder.encode(bytes: bytes)
  }
}

extension BitmapTSS: CanonicalState {
  /// `prev_sequence`, kept in the TSS bytes, is a sequence; nothing else names anything.
  public func renumbered(by renumbering: Renumbering) -> BitmapTSS {
    var tss = self
    tss.prevSequence = renumbering.sequence(prevSequence)
    return tss
  }

  public func encode(into encoder: inout StateEncoder) {
    segment.encode(into: &encoder)
    encoder.encode(limitInvalid)
  }
}

extension PortView: CanonicalState {
  public func renumbered(by renumbering: Renumbering) -> PortView {
    guard case .map(let id, let sequence) = self else { return self }
    return .map(renumbering.bitmap(id), sequence: renumbering.sequence(sequence))
  }

  public func encode(into encoder: inout StateEncoder) {
    switch self {
    case .none: encoder.encode(0 as UInt8)
    case .all: encoder.encode(1 as UInt8)
    case .map(let id, let sequence):
      encoder.encode(2 as UInt8)
      encoder.encode(id.rawValue)
      encoder.encode(sequence)
    }
  }
}

extension PlainCPU {
  public func renumbered(by renumbering: Renumbering) -> PlainCPU { PlainCPU(tss: tss.renumbered(by: renumbering)) }
  public func encode(into encoder: inout StateEncoder) { tss.encode(into: &encoder) }
}

extension PerCPUState: CanonicalState {
  public func renumbered(by renumbering: Renumbering) -> PerCPUState {
    var state = self
    state.cpus = renumbering.moved(cpus) { $0.renumbered(by: renumbering) }
    return state
  }

  public func encode(into encoder: inout StateEncoder) {
    for record in cpus { record.encode(into: &encoder) }
  }
}

extension SwitchStrategy {
  /// The state renamed as its own ``CanonicalState/renumbered(by:)`` does; a design that
  /// keeps some number where another kind of number usually sits overrides this.
  public func renumbered(_ state: State, by renumbering: Renumbering) -> State {
    state.renumbered(by: renumbering)
  }
}
