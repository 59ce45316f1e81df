import IOPBStrategies

/// Work to run on a strategy of any concrete type: what ``open(_:)`` calls with the type
/// named.
public protocol StrategyOpener {
  associatedtype Result
  func callAsFunction<Strategy: SwitchStrategy>(_ strategy: Strategy) -> Result
}

extension StrategyOpener {
  /// Runs this work on `strategy` with its concrete type named at compile time for every
  /// design of ``StrategyCatalog`` (and the variants of the same types), so that the compiler
  /// specialises the engine and the machine for each: generic code run on an opened existential
  /// asks the runtime for generic metadata and witness tables at every step, which profiling
  /// `iopb bench` showed to be the largest share of a simulated switch. Any other design runs
  /// through the same code unspecialised.
  public func open(_ strategy: any SwitchStrategy) -> Result {
    switch strategy {
    case let design as Linux55Strategy: self(design)
    case let design as Linux268FullCopyStrategy: self(design)
    case let design as Linux4EagerStrategy: self(design)
    case let design as Linux269OwnerCacheStrategy: self(design)
    case let design as LazyGPCopyStrategy: self(design)
    case let design as V1InvalidateStrategy: self(design)
    case let design as V1ZeroRangeStrategy: self(design)
    case let design as RemapInvlpgStrategy: self(design)
    case let design as PerThreadTSSStrategy: self(design)
    case let design as FreeBSDAmd64Strategy: self(design)
    case let design as FreeBSDi386Strategy: self(design)
    case let design as NetBSDi386Strategy: self(design)
    case let design as HelenOSStrategy: self(design)
    case let design as WindowsNTStrategy: self(design)
    case let design as XenPVStrategy: self(design)
    case let design as V2SpeedupScheduleOutStrategy: self(design)
    case let design as ZirconStrategy: self(design)
    case let design as SeL4Strategy: self(design)
    case let design as RedoxStrategy: self(design)
    default: opened(strategy)
    }
  }

  private func opened<Strategy: SwitchStrategy>(_ strategy: Strategy) -> Result { self(strategy) }
}
