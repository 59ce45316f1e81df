// swift-tools-version: 6.1
import PackageDescription

// Layers, each a module importing only those below it:
// IOPBCPU ← IOPBKernel ← IOPBStrategies ← IOPBSimulator ← {IOPBScenario ← IOPBOracle, IOPBReports}
//   ← IOPBCommands ← iopb
let package = Package(
  name: "iopb",
  products: [
    .executable(name: "iopb", targets: ["iopb"]),
    .library(name: "IOPBCPU", targets: ["IOPBCPU"]),
    .library(name: "IOPBKernel", targets: ["IOPBKernel"]),
    .library(name: "IOPBStrategies", targets: ["IOPBStrategies"]),
    .library(name: "IOPBSimulator", targets: ["IOPBSimulator"]),
    .library(name: "IOPBScenario", targets: ["IOPBScenario"]),
    .library(name: "IOPBReports", targets: ["IOPBReports"]),
    .library(name: "IOPBOracle", targets: ["IOPBOracle"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
  ],
  targets: [
    .target(name: "IOPBCPU"),
    .target(name: "IOPBKernel"),
    .target(name: "IOPBStrategies", dependencies: ["IOPBCPU", "IOPBKernel"]),
    .target(name: "IOPBSimulator", dependencies: ["IOPBCPU", "IOPBKernel", "IOPBStrategies"]),
    .target(
      name: "IOPBScenario",
      dependencies: ["IOPBCPU", "IOPBKernel", "IOPBStrategies", "IOPBSimulator"]),
    // CLFLUSH for `iopb calibrate`'s cache-cold copies; no Swift spelling exists for it.
    .target(name: "CCacheFlush"),
    .target(
      name: "IOPBReports",
      dependencies: ["IOPBCPU", "IOPBKernel", "IOPBStrategies", "IOPBSimulator", "CCacheFlush"]),
    .target(
      name: "IOPBOracle",
      dependencies: ["IOPBCPU", "IOPBKernel", "IOPBStrategies", "IOPBSimulator", "IOPBScenario"]),
    .target(
      name: "IOPBCommands",
      dependencies: [
        "IOPBCPU", "IOPBKernel", "IOPBStrategies", "IOPBSimulator", "IOPBScenario", "IOPBReports",
        "IOPBOracle",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "iopb", dependencies: ["IOPBCommands"]),
    .testTarget(name: "IOPBCPUTests", dependencies: ["IOPBCPU"]),
    .testTarget(
      name: "IOPBKernelTests",
      dependencies: ["IOPBKernel", .product(name: "PropertyBased", package: "swift-property-based")]),
    .testTarget(
      name: "IOPBStrategiesTests",
      dependencies: ["IOPBCPU", "IOPBKernel", "IOPBStrategies", "IOPBSimulator", "IOPBScenario"]),
    .testTarget(
      name: "IOPBReportsTests",
      dependencies: ["IOPBReports", "IOPBSimulator", "IOPBStrategies", "IOPBKernel"]),
    .testTarget(
      name: "IOPBOracleTests",
      dependencies: ["IOPBOracle", "IOPBScenario", "IOPBSimulator", "IOPBStrategies", "IOPBKernel"]),
    .testTarget(
      name: "IOPBSimulatorTests",
      dependencies: [
        "IOPBCPU", "IOPBKernel", "IOPBStrategies", "IOPBSimulator",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]),
    .testTarget(
      name: "IOPBScenarioTests",
      dependencies: ["IOPBScenario", "IOPBSimulator", "IOPBKernel", "IOPBCPU"],
      resources: []),
    .testTarget(name: "IOPBCommandsTests", dependencies: ["IOPBCommands"]),
  ],
  swiftLanguageModes: [.v6]
)
