import IOPBCommands

/// Runs `iopb`. A function rather than top-level code, because top-level code calls
/// ArgumentParser's synchronous `main()`, which refuses an asynchronous root
/// (apple/swift-argument-parser#688).
func runIOPB() async { await IOPB.main() }

await runIOPB()
