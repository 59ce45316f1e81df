import ArgumentParser
import IOPBCost

/// The cycle profile of a command that prices operations: `--profile` and `--set`, read the same
/// way by `compare`, `replay`, `sweep` and `report`.
struct ProfileOptions: ParsableArguments {
  /// A built-in profile name or a profile file; nil means the default profile.
  @Option(help: "A built-in profile (default, molnar-2004) or a profile file.")
  var profile: String?

  /// `key=value` overrides applied after the profile, in the profile file syntax (`ltr=20`).
  @Option(name: .customLong("set"), help: "Override one profile figure, e.g. --set ltr=20 (repeatable).")
  var settings: [String] = []

  /// Rejects a malformed `--set` (the profile file itself is read only when the command runs).
  func check() throws(ValidationError) {
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
