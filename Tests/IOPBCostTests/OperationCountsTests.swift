import IOPBCost
import Testing

@Suite struct OperationCountsTests {
  /// ``OperationCounts/fields`` lists every stored property once, in declaration order: a
  /// property added to the struct but not to the list fails here.
  @Test func fieldsWriteEveryStoredPropertyInOrder() {
    #expect(OperationCounts.propertiesWrittenByFields == OperationCounts.storedPropertyNames)
  }

  /// `accumulate` and `since` carry every stored property, each into itself: field number i is
  /// given values of its own so that a line summing the wrong field shows.
  @Test func accumulateAndSinceCoverEveryStoredProperty() throws {
    try #require(OperationCounts.propertiesWrittenByFields == OperationCounts.storedPropertyNames)
    var before = OperationCounts()
    var now = OperationCounts()
    var total = OperationCounts()
    for (index, field) in OperationCounts.fields.enumerated() {
      before[keyPath: field.path] = index + 1
      now[keyPath: field.path] = 3 * (index + 1)
      total[keyPath: field.path] = 100
    }
    total.accumulate(now, since: before)
    let count = OperationCounts.storedPropertyNames.count
    #expect(total.storedValues == (0..<count).map { 100 + 2 * ($0 + 1) })
    #expect(now.since(before).storedValues == (0..<count).map { 2 * ($0 + 1) })
  }
}
