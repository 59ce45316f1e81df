// swift-tools-version: 6.1
import PackageDescription

// Layers, each a module importing only those below it:
// IOPBCPU ← IOPBKernel ← IOPBStrategies ← IOPBSimulator ← IOPBScenario ← IOPBCommands ← iopb
let package = Package(
  name: "iopb",
  products: [
    .executable(name: "iopb", targets: ["iopb"]),
    .library(name: "IOPBCPU", targets: ["IOPBCPU"]),
    .library(name: "IOPBKernel", targets: ["IOPBKernel"]),
    .library(name: "IOPBStrategies", targets: ["IOPBStrategies"]),
    .library(name: "IOPBSimulator", targets: ["IOPBSimulator"]),
    .library(name: "IOPBScenario", targets: ["IOPBScenario"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
  ],
  targets: [
    .target(name: "IOPBCPU"),
    .target(name: "IOPBKernel", dependencies: ["IOPBCPU"]),
    .target(name: "IOPBStrategies", dependencies: ["IOPBCPU", "IOPBKernel"]),
    .target(name: "IOPBSimulator", dependencies: ["IOPBCPU", "IOPBKernel", "IOPBStrategies"]),
    .target(
      name: "IOPBScenario",
      dependencies: ["IOPBCPU", "IOPBKernel", "IOPBStrategies", "IOPBSimulator"]),
    .target(
      name: "IOPBCommands",
      dependencies: [
        "IOPBCPU", "IOPBKernel", "IOPBStrategies", "IOPBSimulator", "IOPBScenario",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "iopb", dependencies: ["IOPBCommands"]),
    .testTarget(name: "IOPBCPUTests", dependencies: ["IOPBCPU"]),
    .testTarget(
      name: "IOPBKernelTests",
      dependencies: ["IOPBKernel", .product(name: "PropertyBased", package: "swift-property-based")]),
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
