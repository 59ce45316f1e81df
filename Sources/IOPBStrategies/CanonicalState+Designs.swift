import IOPBCPU
import IOPBKernel

// The canonical forms of each design's own records: what every field names, renamed.

extension LazyGPCopyStrategy.CPUState {
  public func renumbered(by renumbering: Renumbering) -> Self {
    var record = self
    record.tss = tss.renumbered(by: renumbering)
    record.owner = owner.map {
      LazyGPCopyStrategy.Owner(thread: renumbering.thread($0.thread), sequence: renumbering.sequence($0.sequence))
    }
    return record
  }

  public func encode(into encoder: inout StateEncoder) {
    tss.encode(into: &encoder)
    encoder.encode(owner) { encoder, owner in
      encoder.encode(owner.thread.rawValue)
      encoder.encode(owner.sequence)
    }
  }
}

extension Linux269OwnerCacheStrategy.CPUState {
  public func renumbered(by renumbering: Renumbering) -> Self {
    var record = self
    record.tss = tss.renumbered(by: renumbering)
    record.owner = owner.renumbered(by: renumbering)
    return record
  }

  public func encode(into encoder: inout StateEncoder) {
    tss.encode(into: &encoder)
    owner.encode(into: &encoder)
  }
}

extension RemapInvlpgStrategy.CPUState {
  public func renumbered(by renumbering: Renumbering) -> Self {
    var record = self
    record.tss = tss.renumbered(by: renumbering)
    record.mapped = mapped.map(renumbering.bitmap)
    return record
  }

  public func encode(into encoder: inout StateEncoder) {
    rendered.encode(into: &encoder)
    encoder.encode(mapped) { $0.encode($1.rawValue) }
    encoder.encode(flushedPages.nonzeroBitCount)
    for page in 0..<64 where flushedPages & (1 << UInt64(page)) != 0 { encoder.encode(page) }
  }
}

extension V1ZeroRangeStrategy.CPUState {
  public func renumbered(by renumbering: Renumbering) -> Self {
    var record = self
    record.tss = tss.renumbered(by: renumbering)
    record.recentRanges = ViewMemo()
    return record
  }

  public func encode(into encoder: inout StateEncoder) {
    tss.encode(into: &encoder)
    encoder.encode(zeroBits.lowerBound)
    encoder.encode(zeroBits.upperBound)
  }
}

extension HelenOSStrategy.CPUState {
  public func renumbered(by renumbering: Renumbering) -> Self {
    var record = self
    record.tss = tss.renumbered(by: renumbering)
    record.process = process.map(renumbering.process)
    record.installed = installed.renumbered(by: renumbering)
    return record
  }

  public func encode(into encoder: inout StateEncoder) {
    tss.encode(into: &encoder)
    encoder.encode(process) { $0.encode($1.rawValue) }
    installed.encode(into: &encoder)
    encoder.encode(installedBytes)
  }
}

extension WindowsNTStrategy.State: CanonicalState {
  /// Processes that no longer exist leave the enabled set: nothing can run in them.
  public func renumbered(by renumbering: Renumbering) -> Self {
    var state = self
    state.cpus = renumbering.moved(cpus) { $0.renumbered(by: renumbering) }
    state.mapHolds = mapHolds.renumbered(by: renumbering)
    state.enabled = Set(enabled.map(renumbering.process).filter { $0.rawValue != Renumbering.goneID })
    return state
  }

  public func encode(into encoder: inout StateEncoder) {
    for record in cpus { record.encode(into: &encoder) }
    mapHolds.encode(into: &encoder)
    encoder.encode(enabled.count)
    for process in enabled.sorted() { encoder.encode(process.rawValue) }
  }
}

extension XenPVStrategy.State: CanonicalState {
  public func renumbered(by renumbering: Renumbering) -> Self {
    var state = self
    state.guest = guest.renumbered(by: renumbering)
    state.xen = renumbering.moved(xen) { $0 }
    return state
  }

  public func encode(into encoder: inout StateEncoder) {
    guest.encode(into: &encoder)
    for view in xen {
      encoder.encode(view) { encoder, view in
        encoder.encode(view.offset)
        encoder.encode(view.ports)
      }
    }
  }
}

extension PrivateTSSTable: CanonicalState {
  /// TSSes of threads that no longer exist are dropped: no CPU can load them again.
  public func renumbered(by renumbering: Renumbering) -> PrivateTSSTable {
    var table = self
    table.cpus = renumbering.moved(cpus) { cpu in
      var cpu = cpu
      cpu.common = cpu.common.renumbered(by: renumbering)
      cpu.loaded = cpu.loaded.map(renumbering.thread)
      cpu.entryAreaMapping = cpu.entryAreaMapping.map(renumbering.thread)
      return cpu
    }
    table.threads = threads.renamed(by: renumbering.thread) { entry in
      var entry = entry
      entry.tss = entry.tss.renumbered(by: renumbering)
      entry.holds = entry.holds.renumbered(by: renumbering)
      entry.preparedFor = entry.preparedFor.map(renumbering.cpu)
      return entry
    }
    return table
  }

  public func encode(into encoder: inout StateEncoder) {
    for cpu in cpus {
      cpu.common.encode(into: &encoder)
      encoder.encode(cpu.loaded) { $0.encode($1.rawValue) }
      encoder.encode(cpu.limit)
      encoder.encode(cpu.limitInvalid)
      encoder.encode(cpu.entryAreaMapping) { $0.encode($1.rawValue) }
    }
    threads.encode(into: &encoder) { entry, encoder in
      entry.tss.encode(into: &encoder)
      entry.holds.encode(into: &encoder)
      encoder.encode(entry.preparedFor) { $0.encode($1.rawValue) }
    }
  }
}

extension V2SpeedupScheduleOutStrategy.State: CanonicalState {
  /// Extents of threads that no longer exist are dropped: nothing reads them again.
  public func renumbered(by renumbering: Renumbering) -> Self {
    var state = self
    state.cpus = renumbering.moved(cpus) { $0.renumbered(by: renumbering) }
    state.ioBitmapMax = ioBitmapMax.renamed(by: renumbering.thread)
    return state
  }

  public func encode(into encoder: inout StateEncoder) {
    for record in cpus { record.encode(into: &encoder) }
    ioBitmapMax.encode(into: &encoder) { extent, encoder in encoder.encode(extent) }
  }
}

extension Linux55Strategy {
  /// With ``Defect/tracksBitmapIdentity`` the TSS's `prev_sequence` field holds a bitmap's
  /// number plus one (0 for none), which is renamed as a bitmap; a freed bitmap's becomes a
  /// value no bitmap has. Otherwise the field is a sequence.
  public func renumbered(_ state: State, by renumbering: Renumbering) -> State {
    guard defects.contains(.tracksBitmapIdentity) else { return state.renumbered(by: renumbering) }
    var state = state
    state.cpus = renumbering.moved(state.cpus) { record in
      var tss = record.tss
      if tss.prevSequence != 0, let held = Int(exactly: tss.prevSequence) {
        let renamed = renumbering.bitmap(BitmapID(rawValue: held - 1))
        tss.prevSequence = renamed.rawValue == Renumbering.goneID ? Renumbering.goneSequence : UInt64(renamed.rawValue + 1)
      }
      return PlainCPU(tss: tss)
    }
    return state
  }
}

extension XenPVStrategy {
  /// The guest's state as the guest design renames it (its defects included).
  public func renumbered(_ state: State, by renumbering: Renumbering) -> State {
    var renamed = state.renumbered(by: renumbering)
    renamed.guest = guest.renumbered(state.guest, by: renumbering)
    return renamed
  }
}

extension PortExtents {
  /// The runs; ports name nothing that is renumbered.
  public func encode(into encoder: inout StateEncoder) {
    encoder.encode(runs.count)
    for run in runs {
      encoder.encode(run.lowerBound)
      encoder.encode(run.upperBound)
    }
  }
}

extension ZirconStrategy.State: CanonicalState {
  /// Address spaces of processes that no longer exist are dropped: no CPU runs them again.
  public func renumbered(by renumbering: Renumbering) -> Self {
    var state = self
    state.cpus = renumbering.moved(cpus) { $0.renumbered(by: renumbering) }
    state.bitmaps = bitmaps.renamed(by: renumbering.process)
    return state
  }

  public func encode(into encoder: inout StateEncoder) {
    for record in cpus { record.encode(into: &encoder) }
    bitmaps.encode(into: &encoder) { runs, encoder in runs.encode(into: &encoder) }
  }
}

extension SeL4Strategy.CPUState {
  /// The rendered check is determined by the capabilities; the view names a bitmap.
  public func renumbered(by renumbering: Renumbering) -> Self {
    var record = self
    record.tss = tss.renumbered(by: renumbering)
    record.holds = holds.renumbered(by: renumbering)
    record.recent = ViewMemo()
    return record
  }

  public func encode(into encoder: inout StateEncoder) {
    holds.encode(into: &encoder)
    capabilities.encode(into: &encoder)
  }
}
