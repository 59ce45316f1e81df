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
  ]

  /// The default: what Linux has done since 5.5.
  public static let defaultName = "linux-5.5"

  public static var names: [String] { all.map(\.name) }

  /// The strategy called `name`, or nil.
  public static func strategy(named name: String) -> (any SwitchStrategy)? {
    all.first { $0.name == name }
  }
}
