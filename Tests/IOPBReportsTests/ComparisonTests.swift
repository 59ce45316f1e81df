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
  /// violation must be one the strategy declares as a limitation.
  @Test(arguments: Workload.builtInNames)
  func everyStrategyIsCleanOrDeclaresWhy(on name: String) throws {
    let workload = try #require(Workload.builtIn(named: name))
    for strategy in StrategyCatalog.all {
      let result = Simulator.simulate(
        workload.with(duration: .switches(60)), strategy: strategy, checkingInvariants: true)
      #expect(result.failure == nil, "\(workload.name) × \(strategy.name): \(result.failure ?? "")")
      #expect(
        result.violations.isEmpty || !strategy.limitations.isEmpty,
        "\(workload.name) × \(strategy.name): \(result.violations)")
    }
  }

  @Test func tableNamesTheProfileAndAlignsColumns() {
    let comparison = Comparison.run(
      workloads: [.rtPoller, .dosemu], strategies: StrategyCatalog.all, profile: .default,
      duration: .switches(50))
    let lines = comparison.rendered(as: .table).split(separator: "\n")
    #expect(lines.first?.hasPrefix("profile default:") == true)
    let body = lines.dropFirst().dropLast()
    #expect(Set(body.map(\.count)).count == 1)
  }
}
