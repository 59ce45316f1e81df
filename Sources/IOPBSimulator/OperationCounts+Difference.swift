import IOPBStrategies

extension OperationCounts {
  /// Field-wise `self - earlier`: what happened since the snapshot `earlier`.
  public func since(_ earlier: OperationCounts) -> OperationCounts {
    var delta = self
    for (_, path) in Self.fields { delta[keyPath: path] -= earlier[keyPath: path] }
    return delta
  }
}
