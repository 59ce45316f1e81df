/// Every switch strategy the toolkit knows, by stable name.
public enum StrategyCatalog {
  /// All strategies, in report order.
  public static let all: [any SwitchStrategy] = [
    Linux55Strategy(),
    Linux268FullCopyStrategy(),
    Linux4EagerStrategy(),
    Linux269OwnerCacheStrategy(),
    LazyGPCopyStrategy(),
    V1InvalidateStrategy(),
    V1ZeroRangeStrategy(),
    RemapInvlpgStrategy(),
    PerThreadTSSStrategy(),
    FreeBSDAmd64Strategy(),
    FreeBSDi386Strategy(),
    NetBSDi386Strategy(),
    HelenOSStrategy(),
    WindowsNTStrategy(),
    XenPVStrategy(),
    ZirconStrategy(),
    SeL4Strategy(),
    RedoxStrategy(),
  ]

  /// Variants of the designs above (`design+variant`) and designs that exist only as a known
  /// bug: not in ``all`` (reports and comparisons never run them), but reachable by name for
  /// `--strategy` and checkers. Each defect of `linux-5.5` alone, `xen-pv+xsa-329`, the two
  /// documented options of other designs, and V2 06/16 (`v2-06-16`).
  public static let variants: [any SwitchStrategy] =
    Linux55Strategy.Defect.allCases.map { Linux55Strategy(defects: [$0]) } + [
      XenPVStrategy(forwardsInvalidation: false),
      LazyGPCopyStrategy(checksOwner: false),
      PerThreadTSSStrategy(mapsIntoEntryArea: true),
      V2SpeedupScheduleOutStrategy(),
    ]

  /// The default: what Linux has done since 5.5.
  public static let defaultName = "linux-5.5"

  /// The names of ``all``, in report order.
  public static var names: [String] { all.map(\.name) }

  /// The names of ``variants``.
  public static var variantNames: [String] { variants.map(\.name) }

  /// The strategy called `name` in ``all``, else in ``variants``; nil if neither has it.
  public static func strategy(named name: String) -> (any SwitchStrategy)? {
    all.first { $0.name == name } ?? variants.first { $0.name == name }
  }
}
