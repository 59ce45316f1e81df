import IOPBCost

/// How a kernel rewrites a TSS descriptor before LTR, which needs it marked available (SDM
/// vol. 3 "Task Register": LTR of a busy TSS raises #GP), and what that costs in operations.
public enum DescriptorUpdate: Sendable, Hashable {
  /// Linux x86-64 `force_reload_TR()` → `native_load_tr_desc()`: the store goes through the
  /// writable alias of a GDT mapped read-only, with an LGDT of the writable alias before LTR and
  /// of the read-only one after (`arch/x86/include/asm/desc.h`).
  case readOnlyGDT
  /// A store into a writable per-CPU GDT: FreeBSD amd64 `cpu_switch` (`do_tss`) and
  /// `amd64_set_ioperm()`, FreeBSD i386 `cpu_switch` and `i386_extend_pcb()`; no LGDT.
  case writableGDT
  /// HelenOS `io_perm_bitmap_install()`: stores through the base `gdtr_store()` reads, then one
  /// `gdtr_load()` of the same table before `tr_load()`.
  case reloadedGDT

  /// LGDTs around one descriptor rewrite.
  public var gdtLoads: Int {
    switch self {
    case .readOnlyGDT: 2
    case .writableGDT: 0
    case .reloadedGDT: 1
    }
  }

  /// Counts one descriptor rewrite, its LGDTs and the LTR that follows.
  public func countReload(into counts: inout OperationCounts) {
    counts.descriptorWrites += 1
    counts.gdtLoads += gdtLoads
    counts.taskRegisterLoads += 1
  }
}
