import Foundation

/// Wall-clock timing on this host, for `iopb bench` and `iopb calibrate`: the clock, the
/// buffers copies are timed in, and plain `memcpy`/`memset` timings to hold the model against.
///
/// Every timed loop folds what it wrote into a checksum that decides the result, so that the
/// optimiser cannot drop the copies.
enum HostTiming {
  /// Seconds `body` takes once, on the continuous clock.
  static func seconds(_ body: () -> Void) -> Double {
    let elapsed = ContinuousClock().measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
  }

  /// The CPU time this thread spends in `body`, in seconds (`CLOCK_THREAD_CPUTIME_ID`): what
  /// one core gave it, whatever else the shared machine runs. `iopb bench` times both sides of
  /// each ratio on it.
  static func threadCPUSeconds(_ body: () -> Void) -> Double {
    func now() -> Double {
      var time = timespec()
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
      return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
    let start = now()
    body()
    return now() - start
  }

  /// The fastest of a warm-up and five timed runs of `body`, in seconds, as Molnar took the
  /// minimum of his runs (costs.md §2): the least disturbed run on a shared machine.
  static func minimumSeconds(_ body: () -> Void) -> Double {
    body()
    return (0..<5).map { _ in seconds(body) }.min() ?? 0
  }

  /// Bytes per page, the unit buffers are aligned to and placed by.
  static let pageBytes = 4096

  /// A source and a destination buffer for timing copies, both page-aligned, the source filled
  /// with 0x5A and the destination with 0xFF as a bitmap starts, freed after `body`.
  ///
  /// Both lie in one allocation, the destination first, shifted by `placement` pages and the
  /// source a further `2 × placement` pages after it, so that each placement puts them at other
  /// addresses and another distance apart. A copy's speed depends on where its buffers lie: on
  /// this host's AMD EPYC an 8 KiB copy between page-aligned buffers took 127 ns at most
  /// addresses and 215–500 ns at about one in five (docs/compare.md), whatever the copy.
  static func withCopyBuffers<Result>(
    source sourceBytes: Int, destination destinationBytes: Int, placement: Int = 0,
    _ body: (UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Result
  ) -> Result {
    let page = pageBytes
    let destinationOffset = placement * page
    let sourceOffset = destinationOffset + (destinationBytes + page - 1) / page * page + 2 * placement * page
    let region = UnsafeMutableRawPointer.allocate(byteCount: sourceOffset + sourceBytes, alignment: page)
    defer { region.deallocate() }
    let source = region + sourceOffset
    let destination = region + destinationOffset
    source.initializeMemory(as: UInt8.self, repeating: 0x5A, count: sourceBytes)
    destination.initializeMemory(as: UInt8.self, repeating: 0xFF, count: destinationBytes)
    return body(source, destination)
  }

  /// Seconds of this thread's CPU time for `copies` plain copies totalling `bytes`, each from
  /// one hot source into one buffer, both page-aligned, at `placement`
  /// (``withCopyBuffers(source:destination:placement:_:)``), timed once (bench's
  /// `aligned` column: the fastest a copy of these bytes can be).
  static func memcpySeconds(bytes: Int, copies: Int, placement: Int = 0) -> Double {
    let chunk = max(1, bytes / max(1, copies))
    return withCopyBuffers(source: chunk, destination: chunk, placement: placement) { source, destination in
      copySeconds(copies: copies, chunk: chunk, from: { _ in source }, to: destination)
    }
  }

  /// This thread's CPU time for `copies` copies of `chunk` bytes into `destination`, copy
  /// `index` from `source(index)`, whose first byte changes first so that no copy is skipped.
  private static func copySeconds(
    copies: Int, chunk: Int, from source: (Int) -> UnsafeMutableRawPointer, to destination: UnsafeMutableRawPointer
  ) -> Double {
    var checksum = 0
    let seconds = threadCPUSeconds {
      for index in 0..<copies {
        let from = source(index)
        from.storeBytes(of: UInt8(truncatingIfNeeded: index), toByteOffset: 0, as: UInt8.self)
        destination.copyMemory(from: from, byteCount: chunk)
        checksum &+= Int(destination.load(fromByteOffset: chunk - 1, as: UInt8.self))
      }
    }
    return checksum == Int.min ? 0 : seconds
  }

  /// Seconds of this thread's CPU time for `copies` copies totalling `bytes`, each as Linux
  /// 5.5's `tss_copy_io_bitmap()` makes it when two tasks alternate (bench's `memcpy` column):
  /// into a page-aligned `struct tss_struct` at `IO_BITMAP_OFFSET_VALID_MAP` (`mapOffset`,
  /// 0x78; linux-ioperm.md §1), from the `bitmap` member of each task's `struct io_bitmap` in
  /// turn, at offset 16 of its object (after `sequence`, `refcnt` and `max`). The objects are
  /// taken page-aligned: inferred, since kmalloc's power-of-two caches align their objects to
  /// their size (8 KiB + 16 B comes from kmalloc-16k). The buffers lie at `placement`
  /// (``withCopyBuffers(source:destination:placement:_:)``).
  static func tssLayoutMemcpySeconds(bytes: Int, copies: Int, mapOffset: Int, placement: Int = 0) -> Double {
    let chunk = max(1, bytes / max(1, copies))
    let object = (16 + chunk + pageBytes - 1) / pageBytes * pageBytes
    return withCopyBuffers(source: 2 * object, destination: mapOffset + chunk, placement: placement) {
      source, destination in
      copySeconds(copies: copies, chunk: chunk, from: { source + ($0 & 1) * object + 16 }, to: destination + mapOffset)
    }
  }

  /// Mean nanoseconds per copy of `size` bytes, sources taken in turn from a pool of `pool`
  /// bytes (a pool larger than a cache level keeps the sources out of it); fastest of five runs.
  static func copyNanoseconds(size: Int, pool: Int, repetitions: Int) -> Double {
    let slots = max(1, pool / size)
    return withCopyBuffers(source: slots * size, destination: size) { source, destination in
      var checksum = 0
      let seconds = minimumSeconds {
        for index in 0..<repetitions {
          destination.copyMemory(from: source + (index % slots) * size, byteCount: size)
          checksum &+= Int(destination.load(fromByteOffset: size - 1, as: UInt8.self))
        }
      }
      return checksum == Int.min ? 0 : seconds * 1e9 / Double(repetitions)
    }
  }

  /// Mean nanoseconds per `memset` of `size` bytes in one hot buffer; fastest of five runs.
  static func fillNanoseconds(size: Int, repetitions: Int) -> Double {
    let destination = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
    defer { destination.deallocate() }
    var checksum = 0
    let seconds = minimumSeconds {
      for index in 0..<repetitions {
        memset(destination, Int32(index & 0xFF), size)
        checksum &+= Int(destination.load(fromByteOffset: size - 1, as: UInt8.self))
      }
    }
    return checksum == Int.min ? 0 : seconds * 1e9 / Double(repetitions)
  }
}
