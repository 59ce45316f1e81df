import IOPBCPU
import IOPBKernel
import IOPBMachine
import IOPBScenario
import IOPBStrategies
import Testing

/// The catalogue of known bugs: each mutant shows on a short scenario, where the design it
/// breaks does not. These guard the mutants; a checker finds its own shortest counterexamples.
@Suite struct MutantTests {
  /// What a scenario step under the mutant must show.
  enum Evidence: Sendable, Equatable, CustomStringConvertible {
    case leak, wrongDenial, kernelFault
    /// A broken invariant of the design or of the kernel.
    case invariant(String)

    var description: String {
      switch self {
      case .leak: "leak"
      case .wrongDenial: "wrong denial"
      case .kernelFault: "kernel fault"
      case .invariant(let text): "invariant \(text)"
      }
    }
  }

  struct Case: Sendable, CustomTestStringConvertible {
    var mutant: String
    /// The scenario without the mutant's deviations; its expectations are the correct design's.
    var scenario: String
    /// Line → what the mutant's run shows there.
    var evidence: [Int: Evidence]
    /// The design the mutant breaks, run over the kernel without the deviations.
    var correct: String = "linux-5.5"
    var testDescription: String { mutant }
  }

  static let cases: [Case] = [
    Case(
      mutant: "xsa-329",
      scenario: """
        process a cpu0
        process b cpu0
        a: ioperm 0x80 1 on -> ok
        a: inb 0x80 -> allow
        b: inb 0x80 -> deny          # Xen still checks against a's bitmap
        """,
      evidence: [5: .leak], correct: "xen-pv"),
    Case(
      mutant: "v2-06-16-stale-bits",
      scenario: """
        process a cpu0
        process b cpu0
        a: ioperm 0 65536 on -> ok   # Andy: "Task A uses ioperm() to enable all ports."
        b: ioperm 0x80 1 on -> ok    # "Task B calls ioperm()": base valid, 24 bytes copied
        b: inb 0x400 -> deny         # "not the bits above that in the TSS"
        """,
      evidence: [3: .invariant("cpu0: I1: map byte 0 past the dirty extent 0 is not 0xff"), 5: .leak]),
    Case(
      mutant: "copies-only-incoming-max",
      scenario: """
        process a cpu0
        process b cpu0
        a: ioperm 0x400 1 on -> ok
        a: inb 0x400 -> allow        # 136 bytes copied, prev_max 136
        b: ioperm 0x80 1 on -> ok
        b: inb 0x400 -> deny         # only b's 24 bytes copied over a's
        """,
      evidence: [6: .leak]),
    Case(
      mutant: "tracks-bitmap-identity",
      scenario: """
        process a cpu0
        a: ioperm 0x80 1 on -> ok
        a: inb 0x80 -> allow
        a: ioperm 0x81 1 on -> ok    # same bitmap, changed in place
        a: inb 0x81 -> allow         # prev_sequence still names it: no copy
        """,
      evidence: [4: .invariant("cpu0: I3: map bytes differ from bitmap0, which it claims to hold"), 5: .wrongDenial]),
    Case(
      mutant: "no-sequence-bump",
      scenario: """
        process a cpu0
        a: ioperm 0x80 1 on -> ok    # sequence 0, which a fresh CPU's prev_sequence holds
        a: inb 0x80 -> allow
        """,
      evidence: [3: .wrongDenial]),
    Case(
      mutant: "no-copy-on-write",
      scenario: """
        process p cpu0
        p: ioperm 0x80 1 on -> ok
        p: fork c -> ok
        c: ioperm 0x81 1 on -> ok    # changes the bitmap p shares
        p: inb 0x81 -> deny
        """,
      evidence: [5: .leak]),
    Case(
      mutant: "skips-limit-refresh",
      scenario: """
        process a cpu0
        process k cpu0
        a: ioperm 0x80 1 on -> ok
        a: inb 0x80 -> allow
        k: inb 0x80 -> deny
        vmexit cpu0                  # k does not use the map: the reload is deferred
        a: inb 0x80 -> allow         # the limit is still 0x67
        """,
      evidence: [7: .wrongDenial]),
    Case(
      mutant: "failed-fork-drops-parent-bitmap",
      scenario: """
        process p cpu0
        p: ioperm 0x80 1 on -> ok
        inject enomem
        p: fork c -> ENOMEM          # fails after io_bitmap_share()
        p: inb 0x80 -> allow
        """,
      evidence: [4: .invariant("kernel: bitmap0: refcount 1, 0 references"), 5: .wrongDenial]),
    Case(
      mutant: "io-worker-inherits-flag",
      scenario: """
        process t cpu0
        t: ioperm 0x80 1 on -> ok
        t: ioworker w -> ok          # inherits TIF_IO_BITMAP, not the bitmap
        inject enomem
        w: ioworker w2 -> ENOMEM     # io_bitmap_exit(w2) updates w's TSS: the syzbot crash
        t: inb 0x80 -> allow
        """,
      evidence: [3: .invariant("kernel: thread1: TIF_IO_BITMAP is true, expected false"), 5: .kernelFault]),
  ]

  static func run(_ strategy: any SwitchStrategy, _ scenario: Scenario) -> ScenarioRun {
    func open<S: SwitchStrategy>(_ strategy: S) -> ScenarioRun { ScenarioRunner.run(scenario, strategy: strategy) }
    return open(strategy)
  }

  /// What each line of `run` showed, in the terms of ``Evidence``.
  static func evidence(_ run: ScenarioRun) -> [Int: [Evidence]] {
    var found: [Int: [Evidence]] = [:]
    for record in run.records {
      let line = record.step.location.line
      for violation in record.violations {
        switch violation.kind {
        case .leak: found[line, default: []].append(.leak)
        case .wrongDenial: found[line, default: []].append(.wrongDenial)
        case .kernelFault: found[line, default: []].append(.kernelFault)
        case .interruptFlagChanged, .referenceDiverged: break
        }
      }
      found[line, default: []] += record.invariantViolations.map { .invariant($0.description) }
    }
    return found
  }

  @Test(arguments: cases)
  func theMutantShowsWhereTheDesignItBreaksDoesNot(_ testCase: Case) throws {
    let mutant = try #require(MutantCatalog.mutant(named: testCase.mutant))
    let scenario = try ScenarioParser.parse(testCase.scenario, source: "\(testCase.mutant).scn")
    var mutated = scenario
    mutated.kernel = mutant.kernel(from: scenario.kernel)
    let broken = Self.run(mutant.strategy, mutated)
    #expect(broken.error == nil)
    let found = Self.evidence(broken)
    for (line, evidence) in testCase.evidence {
      #expect(found[line]?.contains(evidence) == true, "line \(line): expected \(evidence), found \(found[line] ?? [])")
    }
    let correct = try #require(StrategyCatalog.strategy(named: testCase.correct))
    let sound = Self.run(correct, scenario)
    #expect(sound.passed, "\(sound.render())")
  }

  @Test func everyCaughtMutantHasACaseAndTheCatalogueIsComplete() {
    let names = MutantCatalog.all.map(\.name)
    #expect(names.count == 10)
    #expect(Set(names).count == names.count)
    let caught = MutantCatalog.all.filter { $0.expectation == .caught }.map(\.name)
    #expect(caught == Self.cases.map(\.mutant))
    #expect(MutantCatalog.all.filter { $0.expectation == .unreachable }.map(\.name) == ["linux-5.5-warn-branch"])
  }

  /// `iopb run --strategy NAME` and checkers find every mutant's design by name; none of them
  /// joined the catalogue's designs unless it is the correct design over a deviating kernel.
  @Test(arguments: MutantCatalog.all.map(\.name))
  func theMutantsStrategyResolvesByName(_ name: String) throws {
    let mutant = try #require(MutantCatalog.mutant(named: name))
    let found = try #require(StrategyCatalog.strategy(named: mutant.strategy.name))
    #expect(found.name == mutant.strategy.name)
    #expect(StrategyCatalog.names.contains(mutant.strategy.name) == (mutant.strategy.name == "linux-5.5"))
  }

  @Test func theCatalogueOfDesignsIsUnchanged() {
    #expect(
      StrategyCatalog.names == [
        "linux-5.5", "linux-2.6.8-full", "linux-4.x-eager", "linux-2.6.9-owner-cache", "lazy-gp-copy",
        "v1-invalidate", "v1-zero-range", "remap-invlpg", "per-thread-tss-ltr", "freebsd-amd64", "freebsd-i386",
        "netbsd-i386", "helenos", "windows-nt", "xen-pv", "zircon", "sel4", "redox",
      ])
  }

  /// V2 06/16's hole is not `copies-only-incoming-max`: each shows where the other does not.
  @Test func theV2HoleAndTheShortCopyAreDifferentMutants() throws {
    let v2Hole = try ScenarioParser.parse(try #require(Self.cases.first { $0.mutant == "v2-06-16-stale-bits" }).scenario, source: "a.scn")
    // b's bitmap reaches cpu0 by a switch, over a's larger one that a switch copied there.
    let shortCopy = try ScenarioParser.parse(
      """
      cpus 2
      process p cpu1
      process b cpu1
      p: ioperm 0x400 1 on -> ok
      p: fork a cpu0 -> ok
      a: inb 0x400 -> allow
      b: ioperm 0x80 1 on -> ok
      b: migrate cpu0
      b: inb 0x400 -> deny
      """, source: "b.scn")
    let v2 = V2SpeedupScheduleOutStrategy()
    let short = Linux55Strategy(defects: [.copiesOnlyIncomingMax])
    #expect(Self.run(v2, v2Hole).violationCount == 1)
    #expect(Self.run(short, v2Hole).violationCount == 0)
    #expect(Self.run(short, shortCopy).violationCount == 1)
    #expect(Self.run(v2, shortCopy).violationCount == 0)
  }

  /// `prev_sequence` holds the identity, as 2.6.9's owner pointer did: `id + 1`.
  @Test func trackingIdentityStoresTheBitmapIDInPrevSequence() throws {
    var machine = Machine(strategy: Linux55Strategy(defects: [.tracksBitmapIdentity]), cpuCount: 1)
    let a = try machine.spawn(credentials: .root, on: 0)
    _ = try machine.apply(.contextSwitch(cpu: 0, to: a))
    _ = try machine.apply(.returnToUser(cpu: 0))
    _ = try machine.apply(.syscall(a, .iopl(level: 0)))
    _ = try machine.apply(.returnToUser(cpu: 0))
    _ = try machine.apply(.syscall(a, .ioperm(from: 0x80, count: 1, turnOn: true)))
    _ = try machine.apply(.returnToUser(cpu: 0))
    let id = try #require(machine.kernel[a].ioBitmap)
    #expect(machine.context.state.cpus[0].tss.prevSequence == UInt64(id.rawValue + 1))
    #expect(machine.invariantViolations().isEmpty)
  }
}

/// Mutant 10: the fixed code's `WARN_ON_ONCE(!iobm)` branch, which has no `return`.
@Suite struct WarnBranchTests {
  static let scenario = """
    process t cpu0
    t: ioperm 0x80 1 on -> ok
    t: ioworker w -> ok
    inject enomem
    w: ioworker w2 -> ENOMEM
    """

  /// Reached only through a kernel that breaks TIF_IO_BITMAP ⇒ (a bitmap or level 3): mutant 9's.
  @Test(arguments: [([KernelDeviation.ioWorkerInheritsFlag], 1), ([], 0)])
  func theBranchIsReachedOnlyWithAnInconsistentFlag(_ deviations: [KernelDeviation], faults: Int) throws {
    var scenario = try ScenarioParser.parse(Self.scenario, source: "warn.scn")
    scenario.kernel.deviations = Set(deviations)
    let run = MutantTests.run(Linux55Strategy(), scenario)
    let found = run.records.flatMap(\.violations).filter {
      if case .kernelFault = $0.kind { true } else { false }
    }
    #expect(found.count == faults)
    #expect(found.first?.description(naming: { run.threadNames[$0] ?? "?" }) == (faults == 0 ? nil : "KERNEL FAULT: w on cpu0: WARN_ON_ONCE(!iobm) in native_tss_update_io_bitmap(), then NULL dereference of iobm->sequence"))
  }

  /// Exactly what the branch does, on a state put together by hand (a user thread with the flag
  /// and no bitmap, which no step of the fixed kernel produces), on native Linux and as a Xen PV
  /// guest: the flag cleared in the kernel, the base invalid, then the fault, and nothing after
  /// it (no limit refresh, no valid base).
  @Test(arguments: [false, true])
  func theBranchClearsTheFlagInvalidatesAndFaults(xen: Bool) throws {
    func check<S: SwitchStrategy>(_ strategy: S) throws {
      var machine = Machine(strategy: strategy, cpuCount: 1)
      let t = try machine.spawn(credentials: .root, on: 0)
      _ = try machine.apply(.contextSwitch(cpu: 0, to: t))
      var state = machine.state
      state.kernel[t].needsIOBitmapUpdate = true
      machine.state = state
      let result = try machine.apply(.returnToUser(cpu: 0))
      #expect(result.violations == [Violation(.kernelFault(.nullBitmapAfterWarning(cpu: 0, thread: t)), cpu: 0, thread: t)])
      #expect(!machine.kernel[t].needsIOBitmapUpdate)
      #expect(Int(machine.tss(on: 0).ioMapBase) == LinuxTSSLayout(portCount: 65536).invalid)
      #expect(machine.counts.taskRegisterLoads == 0)
      #expect(machine.counts.hypercalls == 0)
      // The fault is the step's: the next one reports nothing.
      #expect(try machine.apply(.access(cpu: 0, IOAccess(port: 0x80))).violations == [])
    }
    if xen { try check(XenPVStrategy()) } else { try check(Linux55Strategy()) }
  }
}
