/// Build and boot options of the modelled kernel that change I/O permission behaviour.
public struct KernelConfiguration: Sendable, Hashable, Codable {
  /// Number of I/O ports, a multiple of 64 from 64 to 65536 (`IO_BITMAP_BITS`). Smaller values
  /// shrink every bitmap, for exhaustive exploration of small state spaces.
  public var portCount: Int
  /// CONFIG_X86_IOPL_IOPERM: when false, `ioperm` and `iopl` return ENOSYS.
  public var ioplIoperm: Bool
  /// `security_locked_down(LOCKDOWN_IOPORT)`: refuses turning ports on and raising the level.
  public var lockdown: Bool
  /// Linux ≥ 5.16 (`fixup_iopl_exception()`, b968e84b509d): CLI/STI at emulated level 3 are
  /// skipped as NOPs instead of raising SIGSEGV.
  public var fakesCLISTIAtLevel3: Bool
  /// Rules deliberately flipped; empty for Linux's own behaviour.
  public var deviations: Set<KernelDeviation> = []

  public init(
    portCount: Int = 65536, ioplIoperm: Bool = true, lockdown: Bool = false,
    fakesCLISTIAtLevel3: Bool = true, deviations: Set<KernelDeviation> = []
  ) {
    self.deviations = deviations
    self.portCount = portCount
    self.ioplIoperm = ioplIoperm
    self.lockdown = lockdown
    self.fakesCLISTIAtLevel3 = fakesCLISTIAtLevel3
  }

  /// The port counts the model accepts.
  public static func isValidPortCount(_ count: Int) -> Bool {
    count >= 64 && count <= 65536 && count % 64 == 0
  }
}
