/// A switch design as the metal kernel runs it (`metal/kernel/Designs.swift`), and the model
/// strategy (`StrategyCatalog`) whose decisions it must reproduce.
public enum MetalDesign: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  case linux55 = 0
  case linux268Full = 1
  case remapInvlpg = 2
  /// remap + INVLPG without the INVLPG: shows what a stale translation does; not expected to
  /// agree with the model.
  case remapWithoutInvlpg = 3
  case perThreadTSS = 4
  /// per-thread TSS with one GDT descriptor per thread (busy bit cleared before each LTR).
  case perThreadDescriptor = 5
  case lazyGPCopy = 6

  /// The name in reports.
  public var description: String {
    switch self {
    case .linux55: "linux-5.5"
    case .linux268Full: "linux-2.6.8-full"
    case .remapInvlpg: "remap-invlpg"
    case .remapWithoutInvlpg: "remap-invlpg+no-invlpg"
    case .perThreadTSS: "per-thread-tss-ltr"
    case .perThreadDescriptor: "per-thread-tss-ltr+descriptor-per-thread"
    case .lazyGPCopy: "lazy-gp-copy"
    }
  }

  /// The model strategy whose decisions this design must match.
  public var modelStrategy: String {
    switch self {
    case .linux55: "linux-5.5"
    case .linux268Full: "linux-2.6.8-full"
    case .remapInvlpg, .remapWithoutInvlpg: "remap-invlpg"
    case .perThreadTSS, .perThreadDescriptor: "per-thread-tss-ltr"
    case .lazyGPCopy: "lazy-gp-copy"
    }
  }

  /// Whether every access must agree with the model (false for the deliberately broken one).
  public var mustAgree: Bool { self != .remapWithoutInvlpg }
}
