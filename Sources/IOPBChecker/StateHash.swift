/// A deterministic 64-bit hash of a state's bytes (the same in every run and process, unlike
/// Swift's seeded `Hasher`): the fingerprint of hash compaction and the exact store's slot.
///
/// Eight bytes at a time, each word mixed by multiply and xor-shift with the constants of
/// MurmurHash3's 64-bit finaliser (Austin Appleby, public domain), then finalised the same way.
enum StateHash {
  static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
    var index = 0
    while index + 8 <= bytes.count {
      hash = mix(hash ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0xC2B2_AE3D_27D4_EB4F
      index += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while index < bytes.count {
      tail |= UInt64(bytes[index]) << shift
      shift += 8
      index += 1
    }
    return mix(hash ^ tail)
  }

  static func hash(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { hash($0) } }

  private static func mix(_ value: UInt64) -> UInt64 {
    var value = value
    value ^= value >> 33
    value &*= 0xFF51_AFD7_ED55_8CCD
    value ^= value >> 33
    value &*= 0xC4CE_B9FE_1A85_EC53
    value ^= value >> 33
    return value
  }
}
