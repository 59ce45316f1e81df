import IOPBKernel

/// The record of a design that keeps, per CPU, its TSS and the process (address space) whose
/// map the TSS holds: Windows NT's per-process offset (`Ke386SetIoAccessMap`) and Zircon's
/// per-address-space bitmap (`arch/x86/mmu.cc` `ContextSwitch()`) both switch on a change of
/// process, not of thread.
public struct ProcessCPU: CPURecord {
  public var tss: BitmapTSS
  /// The process whose map the TSS holds; nil before any process ran here.
  public var process: ProcessID?

  public init(tss: BitmapTSS, process: ProcessID? = nil) {
    self.tss = tss
    self.process = process
  }

  public func renumbered(by renumbering: Renumbering) -> Self {
    var record = self
    record.tss = tss.renumbered(by: renumbering)
    record.process = process.map(renumbering.process)
    return record
  }

  public func encode(into encoder: inout StateEncoder) {
    tss.encode(into: &encoder)
    encoder.encode(process) { $0.encode($1.rawValue) }
  }
}
