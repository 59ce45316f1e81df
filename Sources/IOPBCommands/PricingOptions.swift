import ArgumentParser
import IOPBCost
import IOPBReports

/// The cycle profile and output format of a command that prints a comparison: `--profile`,
/// `--set`, `--format`, as `iopb compare` takes them.
struct PricingOptions: ParsableArguments {
  /// A built-in profile name or a profile file; nil means the default profile.
  @Option(help: "A built-in profile (default, molnar-2004) or a profile file.")
  var profile: String?

  /// `key=value` overrides applied after the profile, in the profile file syntax (`ltr=20`).
  @Option(name: .customLong("set"), help: "Override one profile figure, e.g. --set ltr=20 (repeatable).")
  var settings: [String] = []

  @Option(name: .customLong("format"), help: "Output format.")
  var formatName = ReportFormatName(ReportFormat.table.rawValue)

  /// The chosen format, once ``check()`` has accepted its name.
  func format() throws(ValidationError) -> ReportFormat { try formatName.resolved() }

  /// Rejects an unknown format and a malformed `--set`.
  func check() throws(ValidationError) {
    _ = try format()
    do { _ = try overridden(.default) } catch { throw ValidationError(error.description) }
  }

  /// The profile `--profile` names (the default one without it), with the `--set` figures.
  func cycleProfile() throws(ProfileError) -> CycleProfile {
    try overridden(profile.map(CycleProfile.load) ?? .default)
  }

  /// `base` with the `--set` figures, named after them.
  private func overridden(_ base: CycleProfile) throws(ProfileError) -> CycleProfile {
    guard !settings.isEmpty else { return base }
    var adjusted = try CycleProfile.parse(settings.joined(separator: "\n"), source: "--set", base: base)
    adjusted.name = base.name + " --set " + settings.joined(separator: " --set ")
    return adjusted
  }
}
