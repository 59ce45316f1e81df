/// Every operation a switch strategy performs that costs time, counted as it happens, and the
/// context switches and returns to user around them (events, which cost nothing).
///
/// ``CycleProfile``, in this module too, prices each field; nothing here is in cycles.
public struct OperationCounts: Sendable, Hashable, Codable {
  /// Bytes copied into a TSS bitmap (`memcpy`), and how many separate copies did it.
  public var bytesCopied = 0
  public var copies = 0
  /// Bytes set to 0xFF (`memset`) to erase a previous bitmap, and how many fills.
  public var bytesFilled = 0
  public var fills = 0
  /// 16-bit stores to the TSS I/O map base field.
  public var mapBaseWrites = 0
  /// Rewrites of a GDT TSS descriptor (the few stores that mark it available or point it at
  /// another TSS), and LGDTs around them (Linux x86-64's read-only GDT needs two, HelenOS one).
  public var descriptorWrites = 0
  public var gdtLoads = 0
  /// LTR instructions (task register reloads).
  public var taskRegisterLoads = 0
  /// INVLPG instructions, and TLB misses they cause on later bitmap reads.
  public var pageInvalidations = 0
  public var tlbMisses = 0
  /// Page-table entry rewrites.
  public var pageTableWrites = 0
  /// Hypercalls to a hypervisor (Xen PV).
  public var hypercalls = 0
  /// #GP exceptions taken and resolved in the kernel (lazy designs), not delivered as signals.
  public var generalProtectionFixups = 0
  /// Comparisons of a bitmap sequence or owner against what the TSS holds.
  public var sequenceCompares = 0
  /// Inter-processor interrupts sent to other CPUs to run a task there (Zircon's
  /// `mp_sync_exec()` after an I/O bitmap update): one per CPU interrupted.
  public var interprocessorInterrupts = 0
  /// Port accesses the kernel performs for a thread after a system call that checks its
  /// capability (seL4's IOPort invocations): one kernel round trip each.
  public var portInvocations = 0
  /// Context switches and returns to user mode the strategy saw, counted by the machine that
  /// drives it.
  public var contextSwitches = 0
  public var returnsToUser = 0

  public init() {}

  /// Every stored property with its report name, in declaration order (`OperationCountsTests`
  /// checks both against `Mirror`).
  nonisolated(unsafe) public static let fields: [(name: String, path: WritableKeyPath<OperationCounts, Int>)] = [
    ("bytes_copied", \.bytesCopied), ("copies", \.copies),
    ("bytes_filled", \.bytesFilled), ("fills", \.fills),
    ("map_base_writes", \.mapBaseWrites), ("descriptor_writes", \.descriptorWrites), ("lgdt", \.gdtLoads),
    ("ltr", \.taskRegisterLoads), ("invlpg", \.pageInvalidations), ("tlb_misses", \.tlbMisses),
    ("pte_writes", \.pageTableWrites), ("hypercalls", \.hypercalls),
    ("gp_fixups", \.generalProtectionFixups), ("sequence_compares", \.sequenceCompares),
    ("ipis", \.interprocessorInterrupts), ("port_invocations", \.portInvocations),
    ("context_switches", \.contextSwitches), ("returns_to_user", \.returnsToUser),
  ]
}
