import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBMachine
import IOPBStrategies

/// `iopb bench`'s copy measurement: two root tasks whose `ioperm` reaches near port 0xFFFF (so
/// each holds a full-size bitmap) alternate on one CPU, each switched in, returned to user mode
/// and making one port access, as a scheduler would drive them; what the strategy did is
/// counted so that the bench can time a plain `memcpy` of the same bytes beside it.
public enum SwitchAlternation {
  /// The ports of the two tasks, each its task's only one: 0xfff8 and 0xffe0.
  public static let ports: [UInt16] = [0xfff8, 0xffe0]

  /// What one timed alternation measured: the seconds `timing` reported for the loop, and the
  /// strategy's operations during it.
  public struct Measurement: Sendable {
    public var seconds: Double
    public var counts: OperationCounts
  }

  /// Runs `switches` alternations under `strategy`, the loop timed by `timing` (which runs its
  /// argument once and returns the seconds it took). Nil when a step is refused or an access
  /// violates the double check: a design that cannot grant these ports here.
  ///
  /// `placement` moves the machine's memory: before the machine and between the two tasks'
  /// bitmaps the run holds spacers of a size that depends on it, so that the TSS and the
  /// bitmaps the copies go between lie at other addresses, as a `memcpy` baseline's buffers do
  /// at each placement. A copy's speed depends on its buffers' addresses (about one placement in
  /// five was 1.7× slower on this host's AMD EPYC, whatever the copy; docs/compare.md), so a
  /// bench that keeps the best of several placements on both sides compares the copies, not
  /// their luck. 0 allocates no spacer.
  public static func run(
    _ strategy: any SwitchStrategy, switches: Int, placement: Int = 0, timing: (() -> Void) -> Double
  ) -> Measurement? {
    withoutActuallyEscaping(timing) { timing in
      Opener(switches: switches, placement: placement, timing: timing).open(strategy)
    }
  }

  /// ``runOpened(_:switches:placement:timing:)`` for ``StrategyOpener/open(_:)``, which names the
  /// catalogue's types so that the machine runs specialised, as in a simulation.
  private struct Opener: StrategyOpener {
    var switches: Int
    var placement: Int
    var timing: (() -> Void) -> Double
    func callAsFunction<Strategy: SwitchStrategy>(_ strategy: Strategy) -> Measurement? {
      SwitchAlternation.runOpened(strategy, switches: switches, placement: placement, timing: timing)
    }
  }

  /// Bytes of the spacer held before the machine (`slot` 0) and before the bitmap of task
  /// `slot` at `placement`: whole pages and a few cache lines, different for every placement
  /// and slot, none at placement 0.
  static func spacerBytes(placement: Int, slot: Int) -> Int {
    placement == 0 ? 0 : (placement * (slot + 1) % 7) * 4096 + (placement + slot) * 192
  }

  /// ``run(_:switches:placement:timing:)`` on a concrete strategy. The loop takes the steps directly
  /// (switch in, return to user, access) by the machine's lean steps, as the simulator does.
  static func runOpened<Strategy: SwitchStrategy>(
    _ strategy: Strategy, switches: Int, placement: Int = 0, timing: (() -> Void) -> Double
  ) -> Measurement? {
    var spacers = [[UInt8](repeating: 0, count: spacerBytes(placement: placement, slot: 0))]
    var machine = Machine(strategy: strategy, cpuCount: 1)
    var threads: [ThreadID] = []
    do {
      for (slot, port) in ports.enumerated() {
        spacers.append([UInt8](repeating: 0, count: spacerBytes(placement: placement, slot: slot + 1)))
        let thread = try machine.spawn(credentials: .root, on: 0)
        for step in machine.preparation(for: thread) { _ = try machine.apply(step) }
        _ = try machine.apply(.syscall(thread, .ioperm(from: UInt64(port), count: 1, turnOn: true)))
        threads.append(thread)
      }
    } catch {
      return nil
    }
    let before = machine.counts
    var refused = false
    let accesses = ports.map { IOAccess(.in, port: $0) }
    let seconds = timing {
      for index in 0..<switches {
        let task = index & 1
        do {
          try machine.switchContext(on: 0, to: threads[task])
          try machine.returnToUser(on: 0)
          if try machine.access(accesses[task], on: 0).violates || machine.hasFaults {
            refused = true
            return
          }
        } catch {
          refused = true
          return
        }
      }
    }
    withExtendedLifetime(spacers) {}
    return refused ? nil : Measurement(seconds: seconds, counts: machine.counts.since(before))
  }
}
