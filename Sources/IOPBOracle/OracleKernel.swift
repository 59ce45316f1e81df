/// A stock Debian kernel the oracle boots: the kernel package that release's
/// `linux-image-amd64` depends on, fetched and unpacked by `scripts/oracle-setup` into
/// `~/.cache/iopb/kernel/RELEASE/` and booted by `scripts/oracle-boot --release RELEASE`.
///
/// Both are built with `CONFIG_X86_IOPL_IOPERM=y` and boot without lockdown, so the model's
/// default ``IOPBKernel/KernelConfiguration`` describes both (`arch/x86/kernel/ioport.c`, the
/// same TSS bitmap code since 5.5; the guest agent's examples and the repository's scenarios
/// agree on each).
public enum OracleKernel: String, CaseIterable, Sendable, Hashable {
  /// Debian 12's kernel, Linux 6.1.
  case bookworm
  /// Debian 13's kernel, Linux 6.12.
  case trixie

  /// The upstream series, e.g. `6.1`; accepted in place of the release name.
  public var series: String {
    switch self {
    case .bookworm: "6.1"
    case .trixie: "6.12"
    }
  }

  /// The kernel named by its Debian release (`bookworm`) or its series (`6.1`).
  public init?(name: String) {
    guard let kernel = Self.allCases.first(where: { $0.rawValue == name || $0.series == name }) else { return nil }
    self = kernel
  }

  /// Every accepted name, for help and error messages: `bookworm (6.1), trixie (6.12)`.
  public static var names: String {
    allCases.map { "\($0.rawValue) (\($0.series))" }.joined(separator: ", ")
  }
}
