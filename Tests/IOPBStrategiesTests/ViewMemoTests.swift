import IOPBKernel
import IOPBStrategies
import Testing

/// ``ViewMemo``: a view's value is computed once while the view is among the last
/// ``ViewMemo/capacity`` asked for, again after it was pushed out, and a memo never tells two
/// states apart.
@Suite struct ViewMemoTests {
  static func view(_ bitmap: Int, sequence: UInt64 = 1) -> PortView {
    .map(BitmapID(rawValue: bitmap), sequence: sequence)
  }

  /// Asks for each view of `order` in turn; returns how often each was computed.
  static func computations(of order: [PortView]) -> [PortView: Int] {
    var memo = ViewMemo<String>()
    var computed: [PortView: Int] = [:]
    for view in order {
      let value = memo.value(of: view) {
        computed[view, default: 0] += 1
        return "\(view)"
      }
      #expect(value == "\(view)", "the memo answered another view's value")
    }
    return computed
  }

  @Test func alternatingViewsAreComputedOnce() {
    let computed = Self.computations(of: Array(repeating: [Self.view(0), Self.view(1)], count: 50).flatMap { $0 })
    #expect(computed == [Self.view(0): 1, Self.view(1): 1])
  }

  @Test func aNewSequenceIsAnotherView() {
    let computed = Self.computations(of: [Self.view(0), Self.view(0, sequence: 2), Self.view(0)])
    #expect(computed == [Self.view(0): 1, Self.view(0, sequence: 2): 1])
  }

  @Test func theOldestViewIsForgottenPastCapacity() {
    let views = (0...ViewMemo<Int>.capacity).map { Self.view($0) }
    let computed = Self.computations(of: views + [views[0], views[ViewMemo<Int>.capacity]])
    #expect(computed[views[0]] == 2)
    #expect(computed[views[ViewMemo<Int>.capacity]] == 1)
  }

  @Test func memosAreNotState() {
    var filled = ViewMemo<Int>()
    _ = filled.value(of: Self.view(3)) { 7 }
    #expect(filled == ViewMemo<Int>())
    #expect(filled.hashValue == ViewMemo<Int>().hashValue)
  }
}
