import IOPBCost

/// OperationCounts as Mirror sees it, so that tests find every stored property without the
/// hand-kept ``OperationCounts/fields`` list.
extension OperationCounts {
  /// The stored properties, in declaration order.
  static var storedPropertyNames: [String] {
    Mirror(reflecting: OperationCounts()).children.map { $0.label ?? "?" }
  }

  /// For each entry of ``fields``, in its order, the stored property its key path writes: the
  /// one that changes when 1 is written through it into zero counts.
  static var propertiesWrittenByFields: [String] {
    fields.map { field in
      var counts = OperationCounts()
      counts[keyPath: field.path] = 1
      return Mirror(reflecting: counts).children.filter { ($0.value as? Int) != 0 }
        .map { $0.label ?? "?" }.joined(separator: "+")
    }
  }

  /// Every stored value in declaration order; nil for one that is not an `Int`.
  var storedValues: [Int?] {
    Mirror(reflecting: self).children.map { $0.value as? Int }
  }
}
