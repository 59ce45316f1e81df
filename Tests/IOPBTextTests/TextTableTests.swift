import IOPBText
import Testing

@Suite struct TextTableTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var table: TextTable
    var lines: [String]
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(
      name: "left names, right numbers, two spaces between",
      table: TextTable(
        columns: [.left, .right, .right],
        rows: [["strategy", "switches/s", "vs fastest"], ["linux-5.5", "23098", "0.636"], ["xen-pv", "7", "1.000"]]),
      lines: [
        "strategy   switches/s  vs fastest",
        "linux-5.5       23098       0.636",
        "xen-pv              7       1.000",
      ]),
    Case(
      name: "minimum widths hold for short cells and give way to long ones",
      table: TextTable(
        columns: [TextTable.Column(.right, minimumWidth: 4), TextTable.Column(.left, minimumWidth: 6), .left],
        rows: [["3", "ab", "x"], ["12", "abcdefgh", "y"]]),
      lines: [
        "   3  ab        x",
        "  12  abcdefgh  y",
      ]),
    Case(
      name: "no trailing spaces after a padded left cell or empty last cells",
      table: TextTable(columns: [.left, .left, .left], rows: [["a", "long", ""], ["bbb", "", ""]]),
      lines: [
        "a    long",
        "bbb",
      ]),
    Case(
      name: "short rows end in empty cells; extra cells are left-aligned",
      table: TextTable(columns: [.right], rows: [["1"], ["22", "extra", "z"], ["333", "e"]]),
      lines: [
        "  1",
        " 22  extra  z",
        "333  e",
      ]),
    Case(name: "no rows, no lines", table: TextTable(columns: [.left, .right]), lines: []),
  ]

  @Test(arguments: cases)
  func lines(_ testCase: Case) {
    #expect(testCase.table.lines == testCase.lines)
  }

  @Test func widthsCountCharactersAndKeepMinimumsWithoutRows() {
    let table = TextTable(
      columns: [TextTable.Column(.left, minimumWidth: 24), .right],
      rows: [["a · b", "12345"]])
    #expect(table.widths == [24, 5])
    #expect(TextTable(columns: [TextTable.Column(.right, minimumWidth: 4), .left]).widths == [4, 0])
  }
}
