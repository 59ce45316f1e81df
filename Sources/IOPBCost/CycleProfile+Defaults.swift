extension CycleProfile {
  /// The defaults of `costs.md` §4 ("Suggested simulator parameters"), each with its basis.
  public static let `default` = CycleProfile(
    name: "default",
    figures: [
      .switchBase: CostFigure(
        3000, source: "costs.md §4/§3.5: direct context switch 1.2 µs (Lutomirski 2017, 1.22 µs eventfd) at 2.5 GHz [B]"),
      .copyStartup: CostFigure(30, source: "costs.md §4/§3.6: copy startup 30 cycles [C]"),
      .copyPerByteL1: CostFigure(
        1.0 / 32, source: "costs.md §4/§3.6: L1-hot copy, store-bound at 32 B/cycle (Intel opt. manual, Skylake) [A]"),
      .copyPerByteL2: CostFigure(
        1.0 / 29, source: "costs.md §4/§3.6: source in L2, ~29 B/cycle sustained (Intel opt. manual, Skylake) [A]"),
      .copyPerByteCold: CostFigure(
        1.0, source: "costs.md §4: cold source (L3 or DRAM), range 0.3–1.5 cycles per byte; an estimate, no cold copy was measured [C]"),
      .fillStartup: CostFigure(30, source: "costs.md §3.6: as the copy startup [C]"),
      .fillPerByte: CostFigure(
        1.0 / 32, source: "costs.md §3.6: a fill is store-bound, 32 B/cycle (Skylake store port) [C]"),
      .mapBaseWrite: CostFigure(3, source: "costs.md §4: 16-bit store in the per-CPU TSS, 1–5 cycles [C]"),
      .descriptorWrite: CostFigure(
        5, source: "a few stores to a cached GDT line, as map_base_write (FreeBSD cpu_switch writes five) [C]"),
      .gdtLoad: CostFigure(
        40, source: "costs.md §4/§3.1: LGDT, 40 cycles (AMD K8 LGDT 37, SOG #25112 Table 13) [A, old]"),
      .taskRegisterLoad: CostFigure(
        150, source: "costs.md §4/§3.1: LTR with busy-bit clear, serializing, estimate 20–300 [C]"),
      .pageInvalidation: CostFigure(
        220, source: "costs.md §4/§3.2: INVLPG 216 (Haswell) / 232 (Westmere), Hansen 2015 [A]"),
      .tlbMiss: CostFigure(
        20, source: "costs.md §4/§3.3: STLB miss with paging structures cached (Haswell) [B]"),
      .pageTableWrite: CostFigure(5, source: "an ordinary store to a cached page-table line, as map_base_write [C]"),
      .hypercall: CostFigure(
        600, source: "costs.md §3.4: kernel round trip, interrupt gate 610 / call gate 473 cycles as a proxy [B]"),
      .generalProtectionFixup: CostFigure(
        600, source: "costs.md §4/§3.7: #GP entry, fixup and IRET ≈ 600 cycles, copy extra [C]"),
      .sequenceCompare: CostFigure(1, source: "a load and compare on a hot per-CPU line [C]"),
      .interprocessorInterrupt: CostFigure(
        2600,
        source: "no IPI figure in costs.md: an IPI delivered, handled and acknowledged ≈ 1 µs (the base cost TLB-shootdown write-ups give, 1–3 µs) at 2.6 GHz; an estimate [C]"),
      .portInvocation: CostFigure(
        442,
        source: "costs.md §4/§3.4: syscall round trip 170 ns (no PTI) at 2.6 GHz, as a proxy for seL4's IOPort invocation; the decode and range check inferred to be small beside it [C]"),
      .cacheL1Bytes: CostFigure(
        32768, source: "costs.md §3.6: Skylake client L1D, 32 KiB (Intel optimization manual) [A]"),
      .cacheL2Bytes: CostFigure(
        262_144, source: "costs.md §3.6: Skylake client L2, 256 KiB (Intel optimization manual) [A]"),
      .clockGHz: CostFigure(
        2.6, source: "assumed core clock to convert ns (the costs.md test machine's TSC is 2.596 GHz) [C]"),
    ],
    residency: nil,
    residencySource: "inferred per copy: where the source bitmap and the TSS map were last touched on the CPU, against cache.l1_bytes and cache.l2_bytes")

  /// Ingo Molnar's 2004 machine (costs.md §2; CPU not stated): `ioperm-latency.c`, two
  /// SCHED_FIFO threads yielding on one CPU, minimum of about 90 runs, Linux 2.6.8.1.
  ///
  /// ``CostKey/switchBase`` is half the no-ioperm yield round trip. The copy rate comes from the
  /// original program, where both threads hold a bitmap so each round trip copies 8 KiB twice:
  /// (10563 − 2528) / 2, (10517 − 2528) / 2 and (10607 − 2423) / 2 cycles per copy, ≈ 4000 over
  /// 8192 bytes, with the copy startup of the default profile. The same two bitmaps go back and
  /// forth about a hundred times and the minimum is kept: the source is warm (L2). Figures the
  /// 2004 mails do not give keep the modern defaults.
  public static let molnar2004: CycleProfile = {
    var profile = CycleProfile.default
    profile.name = "molnar-2004"
    profile.figures[.switchBase] = CostFigure(
      1250, source: "costs.md §2: half of the 2423–2528 cycle yield round trip without ioperm (Molnar 2004) [B]")
    profile.figures[.copyPerByteL2] = CostFigure(
      0.49,
      source: "costs.md §2 correction: two 8 KiB copies per round trip, (10563−2528)/2 ≈ 4000 cycles per copy, less 30 startup, over 8192 bytes (Molnar 2004) [B]")
    profile.residency = .l2
    profile.residencySource = "costs.md §2 correction: the same two bitmaps copied about a hundred times, minimum kept (Molnar 2004) [B]"
    return profile
  }()

  /// The built-in profiles, by name.
  public static let builtIn: [CycleProfile] = [.default, .molnar2004]

  /// The built-in profile called `name`, or nil.
  public static func builtIn(named name: String) -> CycleProfile? {
    builtIn.first { $0.name == name }
  }
}
