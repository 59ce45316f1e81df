// swift-tools-version: 6.1
import PackageDescription

// Layers, each a module importing only modules listed before it (docs/architecture.md):
//   IOPBText     aligned plain-text columns and locale-free numbers; imports nothing
//   IOPBTrace    Linux trace text (tracefs, trace_pipe, trace-cmd report, gzip) as typed
//                scheduler events                                         (Text, CZlib)
//   IOPBCPU      the hardware: TSS bytes and the I/O permission check
//   IOPBKernel   Linux's ioperm/iopl semantics: threads, processes, refcounted bitmaps
//   IOPBCost     what is counted (OperationCounts) and what it costs (CycleProfile); imports
//                only Text (profile files), so the strategies can count into it and the
//                simulator price with it
//   IOPBStrategies  the switch designs, one value of SwitchStrategy each  (CPU, Kernel, Cost)
//   IOPBMachine  N CPUs over one kernel driven by one strategy: steps, outcomes, the double check
//   IOPBSimulator   the discrete-event engine, workloads and comparisons      (… Machine)
//                   and the replay of a trace's events on the machine         (… Trace)
//   IOPBScenario    the scenario language and its runner               (… Machine, Text)
//   IOPBOracle      the QEMU guest as judge of the kernel model          (… Scenario, Simulator)
//   IOPBReports     text, CSV and JSON renderings of results   (… Simulator, Scenario, Text)
//   IOPBCommands    the `iopb` subcommands, callable in-process         (everything above)
//   iopb            the executable: IOPB.main()
/// The model's modules are optimised in debug builds too: the checker and the property tests
/// walk hundreds of thousands of states, which unoptimised generic code makes ~60× slower.
/// In release builds their generic code (the machine over each strategy) is also offered to the
/// modules that use it, so the engine runs specialised for each design (`iopb bench`).
let optimisedModel: [SwiftSetting] = [
  .unsafeFlags(["-O"], .when(configuration: .debug)),
  .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
  name: "iopb",
  products: [
    .executable(name: "iopb", targets: ["iopb"]),
    .library(name: "IOPBCPU", targets: ["IOPBCPU"]),
    .library(name: "IOPBKernel", targets: ["IOPBKernel"]),
    .library(name: "IOPBCost", targets: ["IOPBCost"]),
    .library(name: "IOPBStrategies", targets: ["IOPBStrategies"]),
    .library(name: "IOPBMachine", targets: ["IOPBMachine"]),
    .library(name: "IOPBSimulator", targets: ["IOPBSimulator"]),
    .library(name: "IOPBScenario", targets: ["IOPBScenario"]),
    .library(name: "IOPBReports", targets: ["IOPBReports"]),
    .library(name: "IOPBOracle", targets: ["IOPBOracle"]),
    .library(name: "IOPBChecker", targets: ["IOPBChecker"]),
    .library(name: "IOPBMetal", targets: ["IOPBMetal"]),
    .library(name: "IOPBTrace", targets: ["IOPBTrace"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
  ],
  targets: [
    .target(name: "IOPBCPU", swiftSettings: optimisedModel),
    .target(name: "IOPBKernel", swiftSettings: optimisedModel),
    .target(name: "IOPBCost", dependencies: ["IOPBText"], swiftSettings: optimisedModel),
    .target(name: "IOPBStrategies", dependencies: ["IOPBCPU", "IOPBKernel", "IOPBCost"], swiftSettings: optimisedModel),
    .target(
      name: "IOPBMachine", dependencies: ["IOPBCPU", "IOPBKernel", "IOPBCost", "IOPBStrategies"],
      swiftSettings: optimisedModel),
    .target(
      name: "IOPBSimulator",
      dependencies: [
        "IOPBCPU", "IOPBKernel", "IOPBCost", "IOPBStrategies", "IOPBMachine", "IOPBTrace",
        .product(name: "DequeModule", package: "swift-collections"),
        .product(name: "HeapModule", package: "swift-collections"),
      ]),
    .target(name: "IOPBText"),
    // zlib from the system (zlib1g-dev) for gzip-compressed traces.
    .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
    .target(name: "IOPBTrace", dependencies: ["IOPBText", "CZlib"]),
    .target(
      name: "IOPBScenario",
      dependencies: ["IOPBCPU", "IOPBKernel", "IOPBCost", "IOPBStrategies", "IOPBMachine", "IOPBText"]),
    .target(
      name: "IOPBOracle",
      dependencies: [
        "IOPBCPU", "IOPBKernel", "IOPBStrategies", "IOPBMachine", "IOPBSimulator", "IOPBScenario",
        .product(name: "Subprocess", package: "swift-subprocess"),
      ]),
    .target(
      name: "IOPBReports",
      dependencies: [
        "IOPBCost", "IOPBStrategies", "IOPBSimulator", "IOPBText", "IOPBCPU", "IOPBKernel", "IOPBMachine", "IOPBScenario",
      ]),
    // CLFLUSH for `iopb calibrate`'s cache-cold copies; no Swift spelling exists for it.
    .target(
      name: "IOPBChecker",
      dependencies: ["IOPBCPU", "IOPBKernel", "IOPBStrategies", "IOPBMachine", "IOPBSimulator", "IOPBScenario", "IOPBText"],
      swiftSettings: optimisedModel),
    .target(name: "CCacheFlush"),
    // The metal kernel (metal/, Embedded Swift, docs/metal.md) as judge of IOPBCPU and the designs.
    .target(
      name: "IOPBMetal",
      dependencies: [
        "IOPBCPU", "IOPBKernel", "IOPBCost", "IOPBStrategies", "IOPBMachine", "IOPBSimulator", "IOPBScenario",
        "IOPBText", .product(name: "Subprocess", package: "swift-subprocess"),
      ]),
    .target(
      name: "IOPBCommands",
      dependencies: [
        "IOPBCPU", "IOPBKernel", "IOPBCost", "IOPBStrategies", "IOPBMachine", "IOPBSimulator",
        "IOPBScenario", "IOPBReports", "IOPBOracle", "IOPBChecker", "IOPBText", "IOPBTrace", "CCacheFlush",
        "IOPBMetal",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "iopb", dependencies: ["IOPBCommands"]),
    .testTarget(name: "IOPBCPUTests", dependencies: ["IOPBCPU"]),
    .testTarget(
      name: "IOPBKernelTests",
      dependencies: ["IOPBKernel", .product(name: "PropertyBased", package: "swift-property-based")]),
    .testTarget(name: "IOPBCostTests", dependencies: ["IOPBCost"]),
    .testTarget(
      name: "IOPBStrategiesTests",
      dependencies: [
        "IOPBCPU", "IOPBKernel", "IOPBCost", "IOPBStrategies", "IOPBMachine", "IOPBSimulator",
        "IOPBScenario", "IOPBReports",
      ]),
    .testTarget(
      name: "IOPBMachineTests",
      dependencies: [
        "IOPBCPU", "IOPBKernel", "IOPBCost", "IOPBStrategies", "IOPBMachine", "IOPBSimulator",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]),
    .testTarget(
      name: "IOPBSimulatorTests",
      dependencies: [
        "IOPBCPU", "IOPBKernel", "IOPBCost", "IOPBStrategies", "IOPBMachine", "IOPBSimulator", "IOPBTrace",
      ]),
    .testTarget(name: "IOPBTextTests", dependencies: ["IOPBText"]),
    .testTarget(name: "IOPBTraceTests", dependencies: ["IOPBTrace", "IOPBText"]),
    .testTarget(
      name: "IOPBCheckerTests",
      dependencies: [
        "IOPBChecker", "IOPBMachine", "IOPBStrategies", "IOPBKernel", "IOPBCPU", "IOPBScenario", "IOPBSimulator",
      ]),
    .testTarget(
      name: "IOPBScenarioTests",
      dependencies: ["IOPBScenario", "IOPBMachine", "IOPBKernel", "IOPBCPU"]),
    .testTarget(
      name: "IOPBOracleTests",
      dependencies: [
        "IOPBOracle", "IOPBScenario", "IOPBMachine", "IOPBSimulator", "IOPBStrategies", "IOPBKernel",
        "IOPBCommands",
      ]),
    .testTarget(
      name: "IOPBReportsTests",
      dependencies: [
        "IOPBReports", "IOPBSimulator", "IOPBCost", "IOPBStrategies", "IOPBKernel", "IOPBCPU", "IOPBMachine",
        "IOPBScenario",
      ]),
    .testTarget(
      name: "IOPBCommandsTests",
      dependencies: ["IOPBCommands", "IOPBCost", "IOPBReports", "IOPBSimulator", "IOPBStrategies", "IOPBKernel"]),
    .testTarget(
      name: "IOPBMetalTests",
      dependencies: ["IOPBMetal", "IOPBCPU", "IOPBCost", "IOPBScenario", "IOPBCommands"]),
  ],
  swiftLanguageModes: [.v6]
)
