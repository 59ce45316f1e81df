import ArgumentParser
import CCacheFlush
import Foundation
import IOPBCost
import IOPBText

extension IOPB {
  /// `iopb calibrate`: times `memcpy` and `memset` of bitmap-sized blocks on this host, hot and
  /// cold, and writes a cycle profile with those figures. Privileged operations (LTR, INVLPG,
  /// GDT writes, hypercalls, #GP) cannot be timed from user space, so they keep the cited
  /// defaults.
  ///
  /// Method (each figure the fastest of five runs): the startup is the time of a 16-byte copy
  /// with both buffers in L1; the L1 rate comes from 8 KiB copies of one hot buffer; the L2 rate
  /// from sources rotating over 512 KiB; the cold rate from copies whose source was just evicted
  /// with CLFLUSH (the time of the flushes alone subtracted), or where CLFLUSH is unavailable
  /// from sources rotating over 64 MiB. Nanoseconds become cycles at `--ghz`.
  public struct Calibrate: ParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Time memcpy/memset of bitmap-sized blocks here and write a cycle profile.",
      discussion: "Privileged operations (LTR, INVLPG, …) keep the cited defaults of costs.md §4.")

    /// Core clock in GHz, to convert nanoseconds to cycles.
    @Option(help: "Core clock in GHz, to convert ns to cycles.")
    var ghz: Double = CycleProfile.default[.clockGHz]

    /// Where to write the profile; nil prints it.
    @Option(name: .shortAndLong, help: "Write the profile to this file instead of standard output.")
    var output: String?

    /// Copies timed per measurement.
    @Option(help: "Copies timed per measurement.")
    var repetitions = 20_000

    /// Seconds after which no further measurement starts.
    @Option(help: "Start no measurement after this many seconds: print those taken, write no profile (exit 3). SIGINT does the same.")
    var timeout: Double?

    public init() {}

    /// Rejects a clock or a count that is not positive, a count above ``RunLength/repetitions``
    /// and a timeout that is not a positive number of seconds.
    public func validate() throws {
      try checkCounts()
    }

    /// Times the copies and fills and writes (or prints) the profile: exit 0; 64 for options
    /// ``validate()`` rejects or figures no profile may hold; 73 when the file cannot be written;
    /// 3 when `--timeout` or SIGINT stopped it before the last measurement (the measurements
    /// taken are printed, no profile is written: its figures need all of them).
    public func execute() -> CommandOutput {
      do { try checkCounts() } catch { return .usage(error.message) }
      let bitmap = 8192
      let repetitions = repetitions
      let longRun = LongRun("calibrate", timeout: timeout)
      let flushes = iopb_can_flush() != 0
      let measurements: [(name: String, measure: () -> Double)] = [
        ("16-byte copy", { HostTiming.copyNanoseconds(size: 16, pool: 16, repetitions: repetitions) }),
        ("8 KiB copy", { HostTiming.copyNanoseconds(size: bitmap, pool: bitmap, repetitions: repetitions) }),
        ("8 KiB copy from L2", { HostTiming.copyNanoseconds(size: bitmap, pool: 512 << 10, repetitions: repetitions) }),
        (
          "8 KiB cold copy",
          {
            flushes
              ? Self.flushedCopyNanoseconds(size: bitmap, repetitions: max(1, repetitions / 10))
              : HostTiming.copyNanoseconds(size: bitmap, pool: 64 << 20, repetitions: repetitions)
          }
        ),
        ("16-byte fill", { HostTiming.fillNanoseconds(size: 16, repetitions: repetitions) }),
        ("8 KiB fill", { HostTiming.fillNanoseconds(size: bitmap, repetitions: repetitions) }),
      ]
      var measured: [Double] = []
      for (index, measurement) in measurements.enumerated() {
        guard !longRun.shouldStop else { break }
        longRun.report("\(measurement.name) (\(index + 1) of \(measurements.count))")
        measured.append(measurement.measure())
      }
      longRun.finish()
      guard measured.count == measurements.count else {
        return CommandOutput(
          output: zip(measurements, measured).map { "\($0.name): \(FixedPoint.format($1, digits: 1)) ns" }
            .joined(separator: "\n"),
          diagnostics: "calibrate: \(longRun.reason) after \(measured.count) of \(measurements.count) measurements; "
            + "no profile written",
          exitCode: CommandOutput.stopped)
      }
      let (startup, hot, l2, cold, fillSmall, fill) = (measured[0], measured[1], measured[2], measured[3], measured[4], measured[5])

      var profile = CycleProfile.default
      profile.name = "calibrated"
      let ghz = ghz
      func rounded(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }
      func perByte(_ nanoseconds: Double, _ base: Double) -> Double {
        rounded(max(0, nanoseconds - base) * ghz / Double(bitmap))
      }
      func note(_ what: String, _ nanoseconds: Double) -> String {
        "calibrated on this host: \(what) \(FixedPoint.format(nanoseconds, digits: 1)) ns at \(FixedPoint.format(ghz, digits: 3)) GHz [OWN]"
      }
      profile.figures[.clockGHz] = CostFigure(ghz, source: "given to iopb calibrate (--ghz)")
      profile.figures[.copyStartup] = CostFigure(rounded(startup * ghz), source: note("16-byte copy, L1", startup))
      profile.figures[.copyPerByteL1] = CostFigure(perByte(hot, startup), source: note("8 KiB copy, L1", hot))
      profile.figures[.copyPerByteL2] = CostFigure(perByte(l2, startup), source: note("8 KiB copy, 512 KiB pool", l2))
      profile.figures[.copyPerByteCold] = CostFigure(
        perByte(cold, startup),
        source: note(flushes ? "8 KiB copy, source flushed by CLFLUSH" : "8 KiB copy, 64 MiB pool", cold))
      profile.figures[.fillStartup] = CostFigure(rounded(fillSmall * ghz), source: note("16-byte fill", fillSmall))
      profile.figures[.fillPerByte] = CostFigure(perByte(fill, fillSmall), source: note("8 KiB fill", fill))
      return Self.emit(profile, to: output)
    }

    /// Prints `profile`, or writes it to `path` through ``OutputFile`` (a new path or a regular
    /// file only), once it has passed the checks `compare --profile` applies to a file: exit 0;
    /// 64 when a figure is out of a profile's range (a huge `--ghz`); 73 when `path` cannot be
    /// written, and then "wrote" is not printed.
    public static func emit(_ profile: CycleProfile, to path: String?) -> CommandOutput {
      let text = profile.fileText
      do { _ = try CycleProfile.parse(text, source: path ?? "calibrated") } catch {
        return .usage("the measured profile cannot be read back (\(error)); is --ghz the clock in GHz?")
      }
      guard let path else { return CommandOutput(output: text) }
      do { try OutputFile(path: path).write(text) } catch {
        return CommandOutput(diagnostics: "error: \(error)", exitCode: CommandOutput.cannotCreate)
      }
      return CommandOutput(output: "wrote \(path)")
    }

    public func run() throws {
      LongRun.installInterruptHandler()
      try execute().emit()
    }

    /// The highest clock accepted, in GHz: far above any real core's, and low enough that a
    /// measured nanosecond figure times the clock stays within a profile's 1e9 cycles.
    static let maximumGHz = 1000.0

    private func checkCounts() throws(ValidationError) {
      guard ghz > 0, ghz.isFinite else { throw ValidationError("--ghz must be positive") }
      guard ghz <= Self.maximumGHz else { throw ValidationError("--ghz must be at most \(Int(Self.maximumGHz)) (GHz)") }
      try RunLength.check(repetitions, "--repetitions", maximum: RunLength.repetitions)
      try RunLength.check(timeout: timeout)
    }

    /// Mean nanoseconds per copy of `size` bytes whose source was evicted from every cache first
    /// (CLFLUSH): the time of flush-and-copy minus the time of the flushes alone.
    static func flushedCopyNanoseconds(size: Int, repetitions: Int) -> Double {
      HostTiming.withCopyBuffers(source: size, destination: size) { source, destination in
        var checksum = 0
        let both = HostTiming.minimumSeconds {
          for _ in 0..<repetitions {
            iopb_flush_range(source, size)
            destination.copyMemory(from: source, byteCount: size)
            checksum &+= Int(destination.load(fromByteOffset: size - 1, as: UInt8.self))
          }
        }
        let flushOnly = HostTiming.minimumSeconds {
          for _ in 0..<repetitions {
            iopb_flush_range(source, size)
            checksum &+= Int(source.load(fromByteOffset: 0, as: UInt8.self))
          }
        }
        return checksum == Int.min ? 0 : max(0, both - flushOnly) * 1e9 / Double(repetitions)
      }
    }
  }
}
