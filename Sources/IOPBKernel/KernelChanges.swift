/// What changed in a ``Kernel`` since its changes were last taken (``Kernel/takeChanges()``):
/// the threads written, the bitmaps written (a reference count counts), and among those the
/// bitmaps whose bits, `max` or sequence changed or that were allocated or freed. An
/// incremental invariant check looks only there (``Kernel/invariantViolations(in:)``).
///
/// Bounded: past ``limit`` entries the lists are dropped and ``isEverything`` is set, so a
/// kernel nobody checks keeps no growing journal; the next check is then a full one.
public struct KernelChanges: Sendable {
  /// Entries kept before the journal gives up and says "everything".
  public static let limit = 4096

  /// Threads written, in order, with repeats.
  public private(set) var threads: [ThreadID] = []
  /// Bitmaps written, or whose holders changed (a thread pointing at one came, left or
  /// exited), in order, with repeats.
  public private(set) var bitmaps: [BitmapID] = []
  /// Bitmaps whose contents (bits, `max`, sequence) changed, or that were allocated or freed.
  public private(set) var rewrittenBitmaps: [BitmapID] = []
  /// True when the lists do not hold everything that changed: check the whole kernel.
  public private(set) var isEverything = false

  public init() {}

  /// A journal that covers every thread and bitmap.
  public static var everything: KernelChanges {
    var changes = KernelChanges()
    changes.isEverything = true
    return changes
  }

  mutating func note(_ thread: ThreadID) {
    guard !isEverything else { return }
    threads.append(thread)
    checkLimit()
  }

  mutating func note(_ bitmap: BitmapID, rewritten: Bool) {
    guard !isEverything else { return }
    bitmaps.append(bitmap)
    if rewritten { rewrittenBitmaps.append(bitmap) }
    checkLimit()
  }

  private mutating func checkLimit() {
    if threads.count + bitmaps.count > Self.limit { self = .everything }
  }
}
