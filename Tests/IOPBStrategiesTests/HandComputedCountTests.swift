import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBMachine
import IOPBSimulator
import IOPBStrategies
import Testing

/// Operation counts of every strategy on one fixed sequence, worked out by hand: two root tasks
/// a and b on one CPU with 65536 ports; a runs, calls `ioperm(0x80, 1, 1)` (its `max` is 24
/// bytes: port 0x80 lies in long 2), b runs, a runs again and reads port 0x80.
@Suite struct HandComputedCountTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var strategy: any SwitchStrategy
    var expected: OperationCounts
    var testDescription: String { strategy.name }
  }

  static func counts(
    copied: Int = 0, copies: Int = 0, filled: Int = 0, fills: Int = 0, base: Int = 0,
    descriptors: Int = 0, lgdt: Int = 0, ltr: Int = 0, invlpg: Int = 0, pte: Int = 0, tlb: Int = 0, hypercalls: Int = 0,
    gp: Int = 0, compares: Int = 0, ipis: Int = 0, invocations: Int = 0
  ) -> OperationCounts {
    var counts = OperationCounts()
    counts.bytesCopied = copied
    counts.copies = copies
    counts.bytesFilled = filled
    counts.fills = fills
    counts.mapBaseWrites = base
    counts.descriptorWrites = descriptors
    counts.gdtLoads = lgdt
    counts.taskRegisterLoads = ltr
    counts.pageInvalidations = invlpg
    counts.pageTableWrites = pte
    counts.tlbMisses = tlb
    counts.hypercalls = hypercalls
    counts.generalProtectionFixups = gp
    counts.sequenceCompares = compares
    counts.interprocessorInterrupts = ipis
    counts.portInvocations = invocations
    // Three switches (to a, to b, to a) and four returns to user mode.
    counts.contextSwitches = 3
    counts.returnsToUser = 4
    return counts
  }

  static let cases: [Case] = [
    // Exit to user copies max(prev_max 0, 24) = 24 once; base VALID_MAP, INVALID at the switch
    // to b, VALID_MAP again: 3 stores; one sequence compare per update (2).
    Case(strategy: Linux55Strategy(), expected: counts(copied: 24, copies: 1, base: 3, compares: 2)),
    // Boot leaves the base invalid and the first switch to a has no bitmap on either side:
    // nothing. ioperm finds the base invalid, copies all 8192 bytes and stores it valid; the
    // switch to b stores it invalid (no fill); the switch to a copies 8192 and stores it valid.
    Case(
      strategy: Linux268FullCopyStrategy(),
      expected: counts(copied: 16384, copies: 2, base: 3)),
    // ioperm copies max(0, 24) = 24, the switch to b erases 24, the switch to a copies 24.
    Case(strategy: Linux4EagerStrategy(), expected: counts(copied: 48, copies: 2, filled: 24, fills: 1)),
    // ioperm copies 24 and makes the owner a's bitmap; back on a the owner matches: no copy.
    // Base VALID, INVALID, VALID: 3; owner compared at ioperm and at the switch back: 2.
    Case(
      strategy: Linux269OwnerCacheStrategy(),
      expected: counts(copied: 24, copies: 1, base: 3, compares: 2)),
    // Base LAZY at ioperm, INVALID for b; back on a the owner is compared (none yet: a made no
    // access before), LAZY; VALID in the #GP handler: 4 stores; the one fault copies a's 24
    // bytes and makes a the owner.
    Case(strategy: LazyGPCopyStrategy(), expected: counts(copied: 24, copies: 1, base: 4, gp: 1, compares: 1)),
    // Every switch-in of a copies max(prev_max, 24) = 24: at ioperm and back from b; base
    // VALID, INVALID, VALID.
    Case(strategy: V1InvalidateStrategy(), expected: counts(copied: 48, copies: 2, base: 3)),
    // Only long 2 (bytes 16..<24) holds a zero bit: 8 bytes at ioperm, 8 again back from b.
    Case(strategy: V1ZeroRangeStrategy(), expected: counts(copied: 16, copies: 2, base: 3)),
    // ioperm maps a's 2 pages (8 KiB): 2 PTE writes, 2 INVLPGs; b only invalidates the base;
    // back on a the mapped bitmap is a's: no flush. Reading 0x80 (byte 16, page 0) misses the
    // TLB once. Base VALID, INVALID, VALID; mapped bitmap compared twice.
    Case(
      strategy: RemapInvlpgStrategy(),
      expected: counts(base: 3, invlpg: 2, pte: 2, tlb: 1, compares: 2)),
    // The first switch to a finds the CPU's own TSS loaded: no LTR. ioperm allocates a's TSS
    // (0xff over 8192 bytes, the 104-byte hardware part copied, base INVALID → VALID) and loads
    // it; the switch to b goes back to the CPU's TSS, the switch to a to a's: 3 LTRs. a never
    // migrates: no 88-byte copy.
    Case(
      strategy: PerThreadTSSStrategy(),
      expected: counts(copied: 104, copies: 1, filled: 8192, fills: 1, base: 1, descriptors: 3, lgdt: 6, ltr: 3)),
    // Allocation as above and LTR at ioperm; the switch to b goes back to the common TSS and
    // the switch to a to a's: 3 descriptor rewrites and LTRs. The first switch to a (no TSS
    // yet) finds the common TSS loaded.
    Case(
      strategy: FreeBSDAmd64Strategy(),
      expected: counts(copied: 104, copies: 1, filled: 8192, fills: 1, base: 1, descriptors: 3, ltr: 3)),
    // Same on this sequence; FreeBSDTests shows where the two differ.
    Case(
      strategy: FreeBSDi386Strategy(),
      expected: counts(copied: 104, copies: 1, filled: 8192, fills: 1, base: 1, descriptors: 3, ltr: 3)),
    // Every switch to a user stores the base (3) and ioperm once more (4); the map is 128
    // bytes, copied at ioperm and back on a.
    Case(strategy: NetBSDi386Strategy(), expected: counts(copied: 256, copies: 2, base: 4)),
    // Three task changes install: a with n = 0, b with n = 0, a with n = 0x81 → 17 bytes and
    // the trailing 0xff byte (n > 0 only); each rewrites the descriptor, reloads the GDT once
    // and TR. ioperm itself touches no TSS.
    Case(
      strategy: HelenOSStrategy(),
      expected: counts(copied: 18, copies: 1, descriptors: 3, lgdt: 3, ltr: 3)),
    // Base stored at each switch (3); ioperm sets the shared map (8192 bytes, one CPU, base
    // reloaded) and enables a's process (base reloaded): 5 stores.
    Case(strategy: WindowsNTStrategy(), expected: counts(copied: 8192, copies: 1, base: 5)),
    // linux-5.5 plus one hypercall per update (2) and per invalidation (1); Xen traps the
    // port read once.
    Case(
      strategy: XenPVStrategy(),
      expected: counts(copied: 24, copies: 1, base: 3, hypercalls: 3, gp: 1, compares: 2)),
    // ioperm enables port 0x80 in a's address space: one CPU, so no IPI; the update task on
    // the CPU running a resets the whole map (8192 bytes) and clears the one run (1 byte). The
    // switch to b sets a's run back (1 byte), the switch to a clears it again (1 byte).
    Case(strategy: ZirconStrategy(), expected: counts(filled: 8192 + 3, fills: 4)),
    // Nothing at switches or at ioperm; the one read is one IOPort invocation.
    Case(strategy: SeL4Strategy(), expected: counts(invocations: 1)),
    // Every switch stores the base (3: invalid, invalid for b, the map for a) and ioperm stores
    // it for the running a (1).
    Case(strategy: RedoxStrategy(), expected: counts(base: 4)),
  ]

  @Test func everyCatalogStrategyHasACase() {
    #expect(Set(Self.cases.map(\.strategy.name)) == Set(StrategyCatalog.names))
  }

  @Test(arguments: cases)
  func countsOfTwoTasksOneWithPort0x80(_ testCase: Case) throws {
    var machine = makeMachine(testCase.strategy, cpuCount: 1, kernel: KernelConfiguration())
    let a = try machine.spawn(credentials: .root, on: 0)
    let b = try machine.spawn(credentials: .root, on: 0)
    let steps: [MachineStep] = [
      .contextSwitch(cpu: 0, to: a), .returnToUser(cpu: 0),
      .syscall(a, .ioperm(from: 0x80, count: 1, turnOn: true)), .returnToUser(cpu: 0),
      .contextSwitch(cpu: 0, to: b), .returnToUser(cpu: 0),
      .contextSwitch(cpu: 0, to: a), .returnToUser(cpu: 0),
    ]
    for step in steps { _ = try machine.apply(step) }
    let access = try machine.apply(.access(cpu: 0, IOAccess(port: 0x80)))
    #expect(access.violation == nil)
    #expect(access.outcome.description == "allow")
    #expect(machine.counts == testCase.expected)
    #expect(machine.invariantViolations().isEmpty)
  }
}
