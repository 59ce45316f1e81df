import IOPBCost

/// What a sweep varies: a figure of the cycle profile, the copies' residency, or a parameter of
/// the ``Workload/roundRobin(extentBytes:ioShare:)`` workload.
///
/// Profile figures and the residency only change prices: a sweep re-prices the operations
/// counted in one run (``SwitchCosting``). The cache sizes change where the simulator infers
/// each copy's source, and the workload parameters change the run itself: both run again.
public enum SweepParameter: Sendable, Hashable {
  /// One ``CostKey`` of the profile, in cycles (GHz for `clock.ghz`, bytes for the caches).
  case cost(CostKey)
  /// `copy.residency`: where every copy's source sits (`auto`, `l1`, `l2`, `cold`).
  case residency
  /// The bitmap's extent in bytes, 8 to 8192 in whole longs: Linux's `io_bitmap_max`, the
  /// bytes up to the long holding the highest granted port (`ksys_ioperm()`).
  case extent
  /// The share of context switches whose incoming thread holds an I/O bitmap, 0 to 1.
  case ioShare

  /// Every name `--axis` accepts: the profile keys, `copy.residency`, `extent`, `io-share`.
  public static var knownNames: [String] {
    CostKey.allCases.map(\.rawValue) + ["copy.residency", "extent", "io-share"]
  }

  /// The parameter called `name` on the command line (`residency` is short for
  /// `copy.residency`), or nil.
  public init?(name: String) {
    switch name {
    case "copy.residency", "residency": self = .residency
    case "extent": self = .extent
    case "io-share": self = .ioShare
    default:
      guard let key = CostKey(rawValue: name) else { return nil }
      self = .cost(key)
    }
  }

  /// The name used on the command line and in reports.
  public var name: String {
    switch self {
    case .cost(let key): key.rawValue
    case .residency: "copy.residency"
    case .extent: "extent"
    case .ioShare: "io-share"
    }
  }

  /// The unit of its values, for axis labels.
  public var unit: String {
    switch self {
    case .cost(.clockGHz): "GHz"
    case .cost(.cacheL1Bytes), .cost(.cacheL2Bytes), .extent: "bytes"
    case .cost: "cycles"
    case .residency: ""
    case .ioShare: "share of switches"
    }
  }

  /// True when a new value changes the simulated run, not only its price: the workload's
  /// parameters and the cache sizes the residency inference judges against.
  public var changesRun: Bool {
    switch self {
    case .extent, .ioShare, .cost(.cacheL1Bytes), .cost(.cacheL2Bytes): true
    case .cost, .residency: false
    }
  }

  /// True for the parameters of the ``Workload/roundRobin(extentBytes:ioShare:)`` workload.
  public var isWorkloadParameter: Bool { self == .extent || self == .ioShare }

  /// The grid `--axis NAME` takes without values: the cited range where costs.md §4 gives one,
  /// the whole domain of a workload parameter; nil where no range is cited.
  public var defaultSpecification: String? {
    switch self {
    case .cost(let key): CitedRange.all[key]?.specification
    case .residency: "auto,l1,l2,cold"
    case .extent: "8...8192:x2"
    case .ioShare: "0...1:0.05"
    }
  }
}
