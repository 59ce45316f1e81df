import IOPBKernel
import IOPBStrategies

/// One known bug to reproduce: a switch design (a catalogue design, one of its variants, or a
/// design that exists only as the bug) run over a kernel with some rules flipped.
///
/// A checker runs ``strategy`` on a machine whose kernel configuration has ``deviations`` added
/// (``kernel(from:)``); the machine then judges entitlement by its reference kernel. With
/// ``Expectation/caught`` some sequence of steps must end in a violation (a leak, a wrong
/// denial, a kernel fault), a broken design invariant or a broken kernel invariant; with
/// ``Expectation/unreachable`` the checker must prove that none does.
public struct Mutant: Sendable, CustomStringConvertible {
  /// What a checker must conclude.
  public enum Expectation: String, Sendable, Hashable {
    /// Some reachable state shows the bug.
    case caught
    /// No reachable state does: the code is there, the model keeps it from running.
    case unreachable
  }

  /// The stable name, e.g. `tracks-bitmap-identity`.
  public let name: String
  /// The design to run; its ``SwitchStrategy/name`` resolves with ``StrategyCatalog/strategy(named:)``.
  public let strategy: any SwitchStrategy
  /// The kernel rules to flip.
  public let deviations: Set<KernelDeviation>
  /// What the bug is, in one line.
  public let summary: String
  /// The commit, patch or mail it reproduces.
  public let source: String
  public let expectation: Expectation

  public init(
    name: String, strategy: any SwitchStrategy, deviations: Set<KernelDeviation> = [], summary: String,
    source: String, expectation: Expectation = .caught
  ) {
    self.name = name
    self.strategy = strategy
    self.deviations = deviations
    self.summary = summary
    self.source = source
    self.expectation = expectation
  }

  /// `base` with this mutant's deviations added.
  public func kernel(from base: KernelConfiguration = KernelConfiguration()) -> KernelConfiguration {
    var configuration = base
    configuration.deviations.formUnion(deviations)
    return configuration
  }

  /// `NAME: STRATEGY [+ deviation …] (expectation): summary`.
  public var description: String {
    let flipped = deviations.map(\.rawValue).sorted().map { " + \($0)" }.joined()
    return "\(name): \(strategy.name)\(flipped) (\(expectation.rawValue)): \(summary)"
  }
}

/// The known bugs a model checker must catch, or prove unreachable, each with its source.
/// None of their strategies is in ``StrategyCatalog/all`` unless it is the correct design over
/// a deviating kernel.
public enum MutantCatalog {
  /// Every mutant, in a stable order.
  public static let all: [Mutant] = [
    Mutant(
      name: "xsa-329", strategy: XenPVStrategy(forwardsInvalidation: false),
      summary: "switch_to_bitmap() invalidates only the native TSS, so Xen keeps checking against the outgoing thread's bitmap",
      source: "XSA-329 / CVE-2020-15852 (Linux 5.5–5.7.9 on Xen PV), fixed by cadfad870154 \"x86/ioperm: Fix io bitmap invalidation on Xen PV\" (Andy Lutomirski, <d53075590e1f91c19f8af705059d3ff99424c020.1595030016.git.luto@kernel.org>)"
    ),
    Mutant(
      name: "v2-06-16-stale-bits", strategy: V2SpeedupScheduleOutStrategy(),
      summary: "a first ioperm() makes the base valid and copies only the caller's bytes into the TSS, over the zero bits another thread left there",
      source: "[patch V2 06/16] x86/io: Speedup schedule out of I/O bitmap user <20191111223052.086299881@linutronix.de>; Andy Lutomirski's review <CALCETrUcY_DhZC8CH0NhoRp_r6mh4v1Z2dmhsdErV8wx6FsLaw@mail.gmail.com>, acknowledged in <alpine.DEB.2.21.1911121807260.1833@nanos.tec.linutronix.de>"
    ),
    Mutant(
      name: "copies-only-incoming-max", strategy: Linux55Strategy(defects: [.copiesOnlyIncomingMax]),
      summary: "tss_copy_io_bitmap() copies the incoming max, not max(prev_max, max), leaving the previous bitmap's higher zero bits",
      source: "the prev_max rule of ecc7e37d4dad \"x86/io: Speedup schedule out of I/O bitmap user\" (\"If the previous task which used an io bitmap had more bits permitted, then the copy needs to cover those as well\"), kept by tss_copy_io_bitmap()"
    ),
    Mutant(
      name: "tracks-bitmap-identity", strategy: Linux55Strategy(defects: [.tracksBitmapIdentity]),
      summary: "prev_sequence records which bitmap was copied (id + 1), not its sequence, so an ioperm() changing an unshared bitmap in place is never copied",
      source: "060aa16fdb7c \"x86/ioperm: Add bitmap sequence number\" (Suggested-by Linus: \"some sequence counter, so that when the process updates its bitmap, it invalidates that case\", <CAHk-=wjXcS--G3Wd8ZGEOdCNRAWPaUneyN1ryShQL-_yi1kvOA@mail.gmail.com>); 2.6.9's tss->io_bitmap_owner"
    ),
    Mutant(
      name: "no-sequence-bump", strategy: Linux55Strategy(), deviations: [.noSequenceBump],
      summary: "ksys_ioperm() never takes a new io_bitmap_sequence, so the exit-to-user copy of a changed bitmap is skipped",
      source: "060aa16fdb7c \"x86/ioperm: Add bitmap sequence number\" (\"Add a globally unique sequence number which is incremented when ioperm() is changing the I/O bitmap\"), undone"
    ),
    Mutant(
      name: "no-copy-on-write", strategy: Linux55Strategy(), deviations: [.noCopyOnWrite],
      summary: "ksys_ioperm() changes a shared bitmap in place, so it changes the ports of every thread sharing it",
      source: "b9027e7c4492 \"x86/ioperm: Share I/O bitmap if identical\" (\"If a task modifies the bitmap then it has to do the duplication if and only if it is shared\"), without the duplication"
    ),
    Mutant(
      name: "skips-limit-refresh", strategy: Linux55Strategy(defects: [.skipsLimitRefresh]),
      summary: "exit to user never calls refresh_tss_limit(), so after a VM exit the 0x67 TR limit denies a bitmap user's ports",
      source: "b7ffc44d5b2e \"x86/kvm/vmx: Defer TR reload after VM exit\" (invalidate_tss_limit() / refresh_tss_limit()), refresh omitted"
    ),
    Mutant(
      name: "failed-fork-drops-parent-bitmap", strategy: Linux55Strategy(), deviations: [.failedForkDropsParentBitmap],
      summary: "a fork failing after io_bitmap_share() runs io_bitmap_exit() on the parent: the child's reference leaks and the parent loses its bitmap, flag and TSS base",
      source: "4bfe6cce133c \"x86/ioperm: Prevent a memory leak when fork fails\" (Jay Lang, 2020; Fixes ea5f1cd7ab49)"
    ),
    Mutant(
      name: "io-worker-inherits-flag", strategy: Linux55Strategy(), deviations: [.ioWorkerInheritsFlag],
      summary: "an I/O worker inherits TIF_IO_BITMAP without a bitmap, and a failed fork's cleanup updates current's TSS: by such a worker, a NULL dereference",
      source: "8b68e978718f \"x86/iopl: Cure TIF_IO_BITMAP inconsistencies\" (Thomas Gleixner, 2025; syzbot+e2b1803445d236442e54; Fixes ea5f1cd7ab49)"
    ),
    Mutant(
      name: "linux-5.5-warn-branch", strategy: Linux55Strategy(),
      summary: "linux-5.5 (fixed code) WARN branch: native_tss_update_io_bitmap()'s WARN_ON_ONCE(!iobm) clears the flag and invalidates but does not return, then reads iobm->sequence through NULL",
      source: "8b68e978718f \"x86/iopl: Cure TIF_IO_BITMAP inconsistencies\" (the WARN_ON_ONCE(!iobm) block it adds, without a return)",
      expectation: .unreachable
    ),
  ]

  /// The mutant called `name`, or nil.
  public static func mutant(named name: String) -> Mutant? {
    all.first { $0.name == name }
  }
}
