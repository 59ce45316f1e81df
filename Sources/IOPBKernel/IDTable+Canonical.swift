extension IDTable {
  /// The table with every id renamed by `rename` and every value by `value`, dropping the ids
  /// renamed to ``Renumbering/goneID`` (threads, processes or bitmaps a canonical form drops).
  public func renamed(by rename: (Key) -> Key, value: (Value) -> Value = { $0 }) -> IDTable {
    var table = IDTable()
    for (id, item) in self {
      let renamed = rename(id)
      if renamed.rawValue != Renumbering.goneID { table.updateValue(value(item), forKey: renamed) }
    }
    return table
  }

  /// Appends the number of ids, then each id in ascending order followed by what `value`
  /// writes for its value.
  public func encode(into encoder: inout StateEncoder, value: (Value, inout StateEncoder) -> Void) {
    encoder.encode(count)
    for (id, item) in self {
      encoder.encode(id.rawValue)
      value(item, &encoder)
    }
  }
}
