/// Values by a dense integer id (``ThreadID``, ``BitmapID``): what a `[Key: Value]` would hold,
/// kept in an array indexed by the id's raw value. The kernel hands ids out in order from 0
/// and canonical forms renumber them densely, so the slots stay few; a lookup is an index, not
/// a hash (the machine looks a bitmap up at every switch and every access).
///
/// Iteration, ``keys`` and ``values`` go in ascending id order. Two tables are equal when they
/// hold equal values under the same ids. Freed slots stay (an id is not handed out twice), so
/// a table takes one slot per id ever stored until a renumbering rebuilds it.
public struct IDTable<Key: RawRepresentable & Hashable & Sendable, Value: Hashable & Sendable>: Sendable, Hashable,
  Sequence, ExpressibleByDictionaryLiteral
where Key.RawValue == Int {
  /// Slot `i` holds the value of id `i`.
  private var slots: [Value?] = []
  /// Whether slot `i` holds a value: asked without reading the value out.
  private var present: [Bool] = []
  /// Ids with a value.
  public private(set) var count = 0

  public init() {}

  public init(dictionaryLiteral elements: (Key, Value)...) {
    for (key, value) in elements { self[key] = value }
  }

  public var isEmpty: Bool { count == 0 }

  /// The value of `id`, if it has one; setting nil frees the slot. Mutations through it
  /// (`table[id]?.field = …`) change the value in place, without copying it.
  public subscript(id: Key) -> Value? {
    _read {
      if slots.indices.contains(id.rawValue) { yield slots[id.rawValue] } else { yield nil }
    }
    _modify {
      precondition(id.rawValue >= 0, "ids are not negative")
      if id.rawValue >= slots.count {
        var value: Value?
        yield &value
        if let value { updateValue(value, forKey: id) }
      } else {
        let had = present[id.rawValue]
        yield &slots[id.rawValue]
        present[id.rawValue] = slots[id.rawValue] != nil
        count += (present[id.rawValue] ? 1 : 0) - (had ? 1 : 0)
      }
    }
  }

  /// True when `id` has a value (without copying the value out).
  public func contains(_ id: Key) -> Bool {
    present.indices.contains(id.rawValue) && present[id.rawValue]
  }

  /// The value of `id`, which must have one (``contains(_:)``): read and changed in place.
  public subscript(existing id: Key) -> Value {
    _read {
      precondition(contains(id), "no value for \(id)")
      yield slots[id.rawValue]!
    }
    _modify {
      precondition(contains(id), "no value for \(id)")
      yield &slots[id.rawValue]!
    }
  }

  /// Stores `value` under `id`; returns the value it replaced.
  @discardableResult
  public mutating func updateValue(_ value: Value, forKey id: Key) -> Value? {
    precondition(id.rawValue >= 0, "ids are not negative")
    if id.rawValue >= slots.count {
      slots.append(contentsOf: repeatElement(nil, count: id.rawValue + 1 - slots.count))
      present.append(contentsOf: repeatElement(false, count: slots.count - present.count))
    }
    let old = slots[id.rawValue]
    slots[id.rawValue] = value
    if !present[id.rawValue] { count += 1 }
    present[id.rawValue] = true
    return old
  }

  /// Frees `id`'s slot; returns the value it held.
  @discardableResult
  public mutating func removeValue(forKey id: Key) -> Value? {
    guard contains(id), let old = slots[id.rawValue] else { return nil }
    slots[id.rawValue] = nil
    present[id.rawValue] = false
    count -= 1
    return old
  }

  /// Ids with a value, ascending.
  public var keys: [Key] { map(\.key) }
  /// The values, by ascending id.
  public var values: [Value] { map(\.value) }

  public func makeIterator() -> Iterator { Iterator(slots: slots) }

  /// (id, value) pairs in ascending id order.
  public struct Iterator: IteratorProtocol {
    fileprivate let slots: [Value?]
    fileprivate var position = 0

    public mutating func next() -> (key: Key, value: Value)? {
      while position < slots.count {
        defer { position += 1 }
        if let value = slots[position], let key = Key(rawValue: position) { return (key, value) }
      }
      return nil
    }
  }

  public var underestimatedCount: Int { count }

  /// The slots up to the last that holds a value.
  private var used: ArraySlice<Value?> {
    slots[..<((slots.lastIndex { $0 != nil } ?? -1) + 1)]
  }

  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.count == rhs.count && lhs.used == rhs.used
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
