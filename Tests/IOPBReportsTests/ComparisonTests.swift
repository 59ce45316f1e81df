import IOPBCPU
import IOPBCost
import IOPBKernel
import IOPBReports
import IOPBSimulator
import IOPBStrategies
import Testing

@Suite struct ComparisonTests {
  @Test func everyBuiltInWorkloadUnderLinux55HasNoViolations() throws {
    let strategy = try #require(StrategyCatalog.strategy(named: "linux-5.5"))
    let comparison = Comparison.run(
      workloads: Workload.builtIn, strategies: [strategy], profile: .default, duration: .switches(200))
    #expect(comparison.rows.count == Workload.builtIn.count)
    #expect(comparison.problems == [])
    for row in comparison.rows {
      #expect(row.violations.isEmpty, "\(row.workload)")
      #expect(row.switches >= 200, "\(row.workload)")
    }
  }

  @Test func ratiosAreRelativeToTheCheapestStrategy() {
    let comparison = Comparison.run(
      workloads: [.highPort], strategies: StrategyCatalog.all, profile: .default, duration: .switches(100))
    let ratios = comparison.rows.compactMap(\.ratioToCheapest)
    #expect(ratios.min() == 1)
    #expect(ratios.allSatisfy { $0 >= 1 })
    for row in comparison.rows { #expect((row.ratioToCheapest == nil) == !row.isClean, "\(row.strategy)") }
  }

  @Test func kptiColumnFollowsTheStrategy() {
    let comparison = Comparison.run(
      workloads: [.rtPoller], strategies: StrategyCatalog.all, profile: .default, duration: .switches(50))
    for (row, strategy) in zip(comparison.rows, StrategyCatalog.all) {
      #expect(row.strategy == strategy.name)
      #expect(row.kptiText == (strategy.kptiCompatible ? "yes" : "no"))
    }
  }

  /// Every strategy of the catalogue on every built-in workload, invariants checked: any
  /// violation must be one a limitation the strategy declares explains.
  @Test(arguments: Workload.builtInNames)
  func everyStrategyIsCleanOrDeclaresWhy(on name: String) throws {
    let workload = try #require(Workload.builtIn(named: name))
    for strategy in StrategyCatalog.all {
      let result = Simulator.simulate(
        workload.with(duration: .switches(60)), strategy: strategy, checkingInvariants: true)
      #expect(result.failure == nil, "\(workload.name) × \(strategy.name): \(result.failure ?? "")")
      #expect(
        result.unexplainedViolations.isEmpty,
        "\(workload.name) × \(strategy.name): \(result.unexplainedViolations)")
    }
  }

  @Test func wideTableNamesTheProfileAndAlignsColumns() {
    let comparison = Comparison.run(
      workloads: [.rtPoller, .dosemu], strategies: StrategyCatalog.all, profile: .default,
      duration: .switches(50))
    let lines = comparison.rendered(as: .table, wide: true).split(separator: "\n")
    #expect(lines.first?.hasPrefix("profile default:") == true)
    let body = lines.dropFirst().dropLast()
    #expect(Set(body.map(\.count)).count == 1)
  }

  /// The default table: per workload, clean runs ranked by the cycles they add (then the runs
  /// that stopped at a violation), within 100 columns, for every built-in workload.
  @Test func rankedTableFitsInAHundredColumnsAndRanksByAddedCycles() throws {
    let comparison = Comparison.run(
      workloads: Workload.builtIn, strategies: StrategyCatalog.all, profile: .default, duration: .switches(100))
    let text = comparison.rendered(as: .table)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.allSatisfy { $0.count <= 100 }, "\(lines.filter { $0.count > 100 })")
    for workload in Workload.builtIn {
      let heading = try #require(lines.firstIndex { $0.hasPrefix("\(workload.name): ") }, "\(workload.name)")
      // The header line, then one line per strategy.
      let ranked = lines[(heading + 2)..<(heading + 2 + StrategyCatalog.all.count)].map {
        $0.split(separator: " ").map(String.init)
      }
      let rows = try ranked.map { cells in
        try #require(comparison.rows.first { $0.workload == workload.name && $0.strategy == cells[1] })
      }
      #expect(Set(rows.map(\.strategy)).count == StrategyCatalog.all.count)
      let clean = rows.prefix { $0.isClean }
      #expect(rows.dropFirst(clean.count).allSatisfy { !$0.isClean }, "clean runs first on \(workload.name)")
      for group in [Array(clean), Array(rows.dropFirst(clean.count))] {
        let means = group.map(\.statistics.mean)
        #expect(means == means.sorted(), "\(workload.name): \(group.map(\.strategy))")
      }
      #expect(clean.first?.ratioToCheapest == 1)
    }
  }

  /// A violation of a design that declares limitations, which none of them explains, fails
  /// the comparison: the limitations do not excuse every violation.
  @Test func anUnexplainedViolationOfALimitedStrategyIsAProblem() throws {
    let comparison = Comparison.run(
      workloads: [.rtPoller], strategies: [NeverInstallingNetBSD()], profile: .default,
      duration: .switches(50))
    let row = try #require(comparison.rows.first)
    #expect(!row.limitations.isEmpty)
    #expect(!row.violations.isEmpty)
    #expect(row.unexplainedViolations == row.violations)
    #expect(row.isUnexpectedFailure)
    #expect(comparison.problems.count == row.violations.count)
    #expect(comparison.expectedViolations.isEmpty)
    let csv = comparison.rendered(as: .csv).split(separator: "\n")
    let header = csv[0].split(separator: ",")
    let column = try #require(header.firstIndex(of: "declared_limitation"))
    #expect(csv[1].split(separator: ",")[column] == "no")
  }

  /// The violations the built-in workloads meet under the limited designs are all explained.
  @Test func everyViolationOfTheBuiltInComparisonIsExplained() {
    let comparison = Comparison.run(
      workloads: Workload.builtIn, strategies: StrategyCatalog.all, profile: .default)
    #expect(comparison.problems == [])
    #expect(!comparison.expectedViolations.isEmpty)
    for row in comparison.rows where !row.violations.isEmpty {
      #expect(!row.isUnexpectedFailure, "\(row.workload) × \(row.strategy)")
    }
  }
}

/// netbsd-i386 with a bug no limitation covers: it never brings the TSS in step, so the ports
/// below 1024 a thread holds are refused.
struct NeverInstallingNetBSD: SwitchStrategy {
  typealias State = NetBSDi386Strategy.State
  let design = NetBSDi386Strategy()

  var name: String { "netbsd-i386-never-installing" }
  var origin: String { "a test: netbsd-i386 with its install removed" }
  var mechanism: String { "nothing at a switch or after ioperm" }

  func makeState(cpuCount: Int, kernel: KernelConfiguration) -> NetBSDi386Strategy.State {
    design.makeState(cpuCount: cpuCount, kernel: kernel)
  }

  func contextSwitch(on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context) {}

  func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {}

  func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    design.invariantViolations(in: state, kernel: kernel, currents: currents)
  }

  var limitations: [String] { design.limitations }

  func limitationExplains(_ violation: Violation, kernel: Kernel, state: NetBSDi386Strategy.State) -> Bool {
    design.limitationExplains(violation, kernel: kernel, state: state)
  }
}
