enum Designs {
  static func lazyGeneralProtection() -> Bool { false }
}
