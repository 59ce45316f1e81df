import IOPBKernel
import IOPBSimulator
import IOPBStrategies
import Testing

@Suite struct SimulationTests {
  static let short = Workload.Duration.switches(300)

  @Test(arguments: Workload.builtInNames)
  func builtInWorkloadRunsCleanUnderLinux55(_ name: String) throws {
    let workload = try #require(Workload.builtIn(named: name))
    let strategy = try #require(StrategyCatalog.strategy(named: "linux-5.5"))
    let result = Simulator.simulate(
      workload.with(duration: Self.short), strategy: strategy, checkingInvariants: true)
    #expect(result.violations.isEmpty, "\(result.violations)")
    #expect(result.failure == nil, "\(result.failure ?? "")")
    #expect(result.deniedAccesses == 0)
    #expect(result.switches >= 300)
    #expect(!result.partial)
  }

  @Test func sameSeedSameRun() throws {
    let strategy = try #require(StrategyCatalog.strategy(named: "linux-5.5"))
    let workload = Workload.migrationHeavy.with(duration: Self.short)
    let first = Simulator.simulate(workload, strategy: strategy)
    let second = Simulator.simulate(workload, strategy: strategy)
    #expect(first == second)
    let other = Simulator.simulate(workload.with(seed: 99), strategy: strategy)
    #expect(other.switchCycles != first.switchCycles || other.events != first.events)
  }

  @Test func eventBoundGivesPartialResults() throws {
    let strategy = try #require(StrategyCatalog.strategy(named: "linux-5.5"))
    var workload = Workload.rtPoller
    workload.maxEvents = 50
    let result = Simulator.simulate(workload, strategy: strategy)
    #expect(result.partial)
    #expect(result.events == 50)
    #expect(result.switches > 0)
  }

  @Test func linux55CopiesOnlyWhenAnotherBitmapWasLoaded() throws {
    let strategy = try #require(StrategyCatalog.strategy(named: "linux-5.5"))
    let single = Simulator.simulate(Workload.rtPoller.with(duration: Self.short), strategy: strategy)
    #expect(single.switchCounts.bytesCopied == 0)
    let alternating = Simulator.simulate(Workload.highPort.with(duration: Self.short), strategy: strategy)
    #expect(alternating.switchCounts.bytesCopied > 0)
    #expect(alternating.switchCounts.bytesCopied % 8192 == 0)
  }
}

/// Each built-in workload does what its description says.
@Suite struct WorkloadActivityTests {
  static func run(
    _ workload: Workload, for duration: Workload.Duration = .switches(400)
  ) throws -> SimulationResult {
    let strategy = try #require(StrategyCatalog.strategy(named: "linux-5.5"))
    return Simulator.simulate(workload.with(duration: duration), strategy: strategy)
  }

  @Test func forkHeavyForksWorkersThatExit() throws {
    let activity = try Self.run(.forkHeavy).activity
    #expect(activity.forks > 0)
    #expect(activity.exits > 0)
  }

  @Test func hwclockChildrenTakeIopermAndExit() throws {
    let activity = try Self.run(.hwclock, for: .ticks(200)).activity
    #expect(activity.forks > 0)
    #expect(activity.exits > 0)
    #expect(activity.permissionCalls >= activity.forks - 2)
  }

  @Test func migrationHeavyMigrates() throws {
    #expect(try Self.run(.migrationHeavy).activity.migrations > 20)
  }

  @Test func rtPollerPreemptsBusyTasks() throws {
    #expect(try Self.run(.rtPoller).activity.preemptions > 20)
  }

  @Test func sharedThreadsCreatesSevenThreads() throws {
    #expect(try Self.run(.sharedThreads).activity.threads == 7)
  }

  @Test func xServerDropsAndRetakesIOPL() throws {
    let result = try Self.run(.xServerIOPL, for: .ticks(800))
    #expect(result.activity.permissionCalls > 1)
    #expect(result.isClean)
  }
}
