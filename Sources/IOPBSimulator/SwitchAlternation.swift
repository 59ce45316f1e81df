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
  public static func run(
    _ strategy: any SwitchStrategy, switches: Int, timing: (() -> Void) -> Double
  ) -> Measurement? {
    withoutActuallyEscaping(timing) { timing in
      Opener(switches: switches, timing: timing).open(strategy)
    }
  }

  /// ``runOpened(_:switches:timing:)`` for ``StrategyOpener/open(_:)``, which names the
  /// catalogue's types so that the machine runs specialised, as in a simulation.
  private struct Opener: StrategyOpener {
    var switches: Int
    var timing: (() -> Void) -> Double
    func callAsFunction<Strategy: SwitchStrategy>(_ strategy: Strategy) -> Measurement? {
      SwitchAlternation.runOpened(strategy, switches: switches, timing: timing)
    }
  }

  /// ``run(_:switches:timing:)`` on a concrete strategy. The loop takes the steps directly
  /// (switch in, return to user, access) by the machine's lean steps, as the simulator does.
  static func runOpened<Strategy: SwitchStrategy>(
    _ strategy: Strategy, switches: Int, timing: (() -> Void) -> Double
  ) -> Measurement? {
    var machine = Machine(strategy: strategy, cpuCount: 1)
    var threads: [ThreadID] = []
    do {
      for port in ports {
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
    return refused ? nil : Measurement(seconds: seconds, counts: machine.counts.since(before))
  }
}
