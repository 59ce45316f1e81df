/// A priced figure of a ``CycleProfile``, by its name in profile files.
///
/// Every field of ``OperationCounts`` that costs time is priced by one or more keys; the copy
/// is priced by a startup and a per-byte rate chosen by ``CopyResidency``.
public enum CostKey: String, Sendable, Hashable, CaseIterable {
  /// A context switch without any bitmap work (not part of the added cycles).
  case switchBase = "switch.base"
  /// Fixed cost of one `memcpy` into the TSS bitmap.
  case copyStartup = "copy.startup"
  /// Cycles per copied byte with the source in L1, in L2, and cold (L3 or DRAM).
  case copyPerByteL1 = "copy.per_byte.l1"
  case copyPerByteL2 = "copy.per_byte.l2"
  case copyPerByteCold = "copy.per_byte.cold"
  /// Fixed cost and cycles per byte of one `memset(0xff)` of the TSS bitmap.
  case fillStartup = "fill.startup"
  case fillPerByte = "fill.per_byte"
  /// One 16-bit store to the I/O map base field.
  case mapBaseWrite = "map_base_write"
  /// One rewrite of a GDT TSS descriptor: the few stores that mark it available or point it at
  /// another TSS.
  case descriptorWrite = "descriptor_write"
  /// One LGDT (Linux x86-64 runs two around each descriptor write, HelenOS one, FreeBSD none).
  case gdtLoad = "lgdt"
  /// One LTR.
  case taskRegisterLoad = "ltr"
  /// One INVLPG.
  case pageInvalidation = "invlpg"
  /// One TLB miss on a bitmap read after an INVLPG, page-table entries cached.
  case tlbMiss = "tlb_miss"
  /// One page-table entry rewrite.
  case pageTableWrite = "pte_write"
  /// One hypercall round trip.
  case hypercall = "hypercall"
  /// One #GP taken and fixed up inside the kernel (entry, fixup, IRET), copy excluded.
  case generalProtectionFixup = "gp_fixup"
  /// One comparison of a bitmap sequence or owner with what the TSS holds.
  case sequenceCompare = "sequence_compare"
  /// One inter-processor interrupt: sent, taken by the other CPU, its task run and acknowledged.
  case interprocessorInterrupt = "ipi"
  /// One port access done by the kernel for a thread: a system call round trip with its
  /// capability check.
  case portInvocation = "port_invocation"
  /// Bytes of the L1 data cache and of the L2 cache, against which the simulator judges where a
  /// copy's source and destination still sit; price nothing.
  case cacheL1Bytes = "cache.l1_bytes"
  case cacheL2Bytes = "cache.l2_bytes"
  /// Core clock in GHz, to turn nanoseconds into cycles (`iopb calibrate`); prices nothing.
  case clockGHz = "clock.ghz"
}
