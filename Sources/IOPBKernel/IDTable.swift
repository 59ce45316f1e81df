/// Values by a dense integer id (``ThreadID``, ``BitmapID``): what a `[Key: Value]` would hold,
/// kept in an array with the position of each id's value in an array indexed by the id's raw
/// value. The kernel hands ids out in order from 0 and canonical forms renumber them densely,
/// so the positions stay few; a lookup is two indexings, not a hash (the machine looks a
/// bitmap up at every switch and every access), and ``subscript(existing:)`` reads and changes
/// a value where it lies, without copying it.
///
/// Iteration, ``keys`` and ``values`` go in ascending id order. Two tables are equal when they
/// hold equal values under the same ids. A freed id keeps its position slot (an id is not
/// handed out twice), so a table takes one slot per id ever stored until a renumbering
/// rebuilds it.
public struct IDTable<Key: RawRepresentable & Hashable & Sendable, Value: Hashable & Sendable>: Sendable, Hashable,
  Sequence, ExpressibleByDictionaryLiteral
where Key.RawValue == Int {
  /// The values, in no particular order.
  @usableFromInline var stored: [Value] = []
  /// The id of each stored value.
  private var owners: [Int] = []
  /// Slot `i`: where id `i`'s value is in ``stored``, or -1.
  @usableFromInline var positions: [Int] = []

  public init() {}

  public init(dictionaryLiteral elements: (Key, Value)...) {
    for (key, value) in elements { self[key] = value }
  }

  /// Ids with a value.
  public var count: Int { stored.count }

  public var isEmpty: Bool { stored.isEmpty }

  /// Where `id`'s value is in ``stored``, if it has one.
  @inlinable
  func position(_ id: Key) -> Int? {
    guard positions.indices.contains(id.rawValue) else { return nil }
    let position = positions[id.rawValue]
    return position >= 0 ? position : nil
  }

  /// True when `id` has a value (without copying the value out).
  @inlinable
  public func contains(_ id: Key) -> Bool { position(id) != nil }

  /// The value of `id`, which must have one (``contains(_:)``): read and changed in place.
  public subscript(existing id: Key) -> Value {
    @inlinable _read {
      guard let position = position(id) else { preconditionFailure("no value for \(id)") }
      yield stored[position]
    }
    _modify {
      guard let position = position(id) else { preconditionFailure("no value for \(id)") }
      yield &stored[position]
    }
  }

  /// The value of `id`, if it has one; setting nil frees the slot. A mutation through it
  /// (`table[id]?.field = …`) takes the value out while it changes, so that whatever it holds
  /// is not copied on write.
  public subscript(id: Key) -> Value? {
    get { position(id).map { stored[$0] } }
    _modify {
      var value = removeValue(forKey: id)
      defer {
        if let value { updateValue(value, forKey: id) }
      }
      yield &value
    }
  }

  /// Stores `value` under `id`; returns the value it replaced.
  @discardableResult
  public mutating func updateValue(_ value: Value, forKey id: Key) -> Value? {
    precondition(id.rawValue >= 0, "ids are not negative")
    if let position = position(id) {
      let old = stored[position]
      stored[position] = value
      return old
    }
    if id.rawValue >= positions.count {
      positions.append(contentsOf: repeatElement(-1, count: id.rawValue + 1 - positions.count))
    }
    positions[id.rawValue] = stored.count
    stored.append(value)
    owners.append(id.rawValue)
    return nil
  }

  /// Frees `id`'s slot; returns the value it held. The last stored value moves into its place.
  @discardableResult
  public mutating func removeValue(forKey id: Key) -> Value? {
    guard let position = position(id) else { return nil }
    positions[id.rawValue] = -1
    let last = stored.count - 1
    if position != last {
      stored.swapAt(position, last)
      owners.swapAt(position, last)
      positions[owners[position]] = position
    }
    owners.removeLast()
    return stored.removeLast()
  }

  /// Ids with a value, ascending.
  public var keys: [Key] { map(\.key) }
  /// The values, by ascending id.
  public var values: [Value] { map(\.value) }

  public func makeIterator() -> Iterator { Iterator(table: self) }

  /// (id, value) pairs in ascending id order.
  public struct Iterator: IteratorProtocol {
    fileprivate let table: IDTable
    fileprivate var slot = 0

    public mutating func next() -> (key: Key, value: Value)? {
      while slot < table.positions.count {
        defer { slot += 1 }
        let position = table.positions[slot]
        if position >= 0, let key = Key(rawValue: slot) { return (key, table.stored[position]) }
      }
      return nil
    }
  }

  public var underestimatedCount: Int { count }

  public static func == (lhs: Self, rhs: Self) -> Bool {
    guard lhs.count == rhs.count else { return false }
    for (index, value) in lhs.stored.enumerated() {
      guard let key = Key(rawValue: lhs.owners[index]), let position = rhs.position(key), rhs.stored[position] == value
      else { return false }
    }
    return true
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(count)
    for (key, value) in self {
      hasher.combine(key)
      hasher.combine(value)
    }
  }
}

/// The kernel's live bitmaps by id.
public typealias BitmapTable = IDTable<BitmapID, IOBitmap>
