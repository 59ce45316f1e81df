import IOPBKernel
import PropertyBased
import Testing

/// ``IDTable`` against a `[BitmapID: Int]` doing the same random stores, removals and in-place
/// changes: the same contents after every operation, iteration in ascending id order, and
/// equality and hashing that do not depend on the order values were stored in.
@Suite struct IDTableTests {
  /// An operation code: the id (0…15) in the low bits, the kind above.
  static let operations = Gen.int(in: 0...1_000_000).array(of: 0...80)

  static func apply(
    _ code: Int, to table: inout IDTable<BitmapID, Int>, _ reference: inout [BitmapID: Int]
  ) {
    let id = BitmapID(rawValue: code % 16)
    let value = code / 16
    switch code / 16 % 4 {
    case 0:
      #expect(table.updateValue(value, forKey: id) == reference.updateValue(value, forKey: id))
    case 1:
      #expect(table.removeValue(forKey: id) == reference.removeValue(forKey: id))
    case 2:
      table[id]? += 1
      reference[id]? += 1
    default:
      if table.contains(id) { table[existing: id] -= 1 }
      reference[id]? -= 1
    }
  }

  @Test func theTableHoldsWhatADictionaryHolds() async {
    await propertyCheck(input: Self.operations) { codes in
      var table = IDTable<BitmapID, Int>()
      var reference: [BitmapID: Int] = [:]
      for code in codes {
        Self.apply(code, to: &table, &reference)
        #expect(table.count == reference.count)
        #expect(table.keys == reference.keys.sorted())
        #expect(table.values == reference.keys.sorted().map { reference[$0] ?? -1 })
        for raw in 0..<16 {
          let id = BitmapID(rawValue: raw)
          #expect(table.contains(id) == (reference[id] != nil))
          #expect(table[id] == reference[id])
        }
      }
      // The same contents stored in ascending order: equal, with the same hash.
      var rebuilt = IDTable<BitmapID, Int>()
      for (id, value) in reference.sorted(by: { $0.key < $1.key }) { rebuilt[id] = value }
      #expect(rebuilt == table)
      #expect(rebuilt.hashValue == table.hashValue)
    }
  }

  @Test func tablesWithDifferentContentsDiffer() {
    let table: IDTable<BitmapID, Int> = [BitmapID(rawValue: 0): 1, BitmapID(rawValue: 3): 2]
    #expect(table != [BitmapID(rawValue: 0): 1])
    #expect(table != [BitmapID(rawValue: 0): 1, BitmapID(rawValue: 3): 3])
    #expect(table != [BitmapID(rawValue: 0): 1, BitmapID(rawValue: 2): 2])
    #expect(table == [BitmapID(rawValue: 3): 2, BitmapID(rawValue: 0): 1])
  }
}
