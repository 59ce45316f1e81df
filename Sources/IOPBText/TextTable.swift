/// Rows of text cells set in aligned columns for a terminal, without rules or borders.
///
/// The one rule: every cell is padded to its column's width (left- or right-aligned), cells
/// are joined by ``separator``, and a line keeps no trailing spaces. The same rows always give
/// the same lines.
///
/// Widths are counted in `Character`s, so the columns line up for text whose characters each
/// take one terminal cell, as `iopb`'s names, numbers and scenario steps do.
public struct TextTable: Sendable, Hashable {
  /// Where a cell's text sits in its column.
  public enum Alignment: Sendable, Hashable {
    /// Text first, padding after: for names and words.
    case left
    /// Padding first, text last: for numbers, so that their last digits line up.
    case right
  }

  /// How one column is laid out.
  public struct Column: Sendable, Hashable {
    public var alignment: Alignment
    /// The narrowest the column may be, in characters, however short its cells.
    public var minimumWidth: Int

    public init(_ alignment: Alignment, minimumWidth: Int = 0) {
      self.alignment = alignment
      self.minimumWidth = minimumWidth
    }

    /// A left-aligned column as wide as its widest cell.
    public static let left = Column(.left)
    /// A right-aligned column as wide as its widest cell.
    public static let right = Column(.right)
  }

  /// What stands between two cells of a line: two spaces.
  public static let separator = "  "

  /// The layout of each column, first column first.
  public var columns: [Column]
  /// The cells, one array per line. A row shorter than ``columns`` ends in empty cells; cells
  /// past the last column are laid out as ``Column/left``.
  public var rows: [[String]]

  public init(columns: [Column], rows: [[String]] = []) {
    self.columns = columns
    self.rows = rows
  }

  /// Each column's width in characters: its widest cell, or its minimum width when that is
  /// wider. Every column of ``columns`` has one, even when there are no rows.
  public var widths: [Int] {
    let count = max(columns.count, rows.map(\.count).max() ?? 0)
    var widths = (0..<count).map { column(at: $0).minimumWidth }
    for row in rows {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    return widths
  }

  /// One line per row, in row order.
  public var lines: [String] {
    let widths = widths
    return rows.map { row in
      var line = widths.indices.map { index in
        let cell = index < row.count ? row[index] : ""
        let padding = String(repeating: " ", count: widths[index] - cell.count)
        return column(at: index).alignment == .left ? cell + padding : padding + cell
      }.joined(separator: Self.separator)
      while line.last == " " { line.removeLast() }
      return line
    }
  }

  private func column(at index: Int) -> Column {
    index < columns.count ? columns[index] : .left
  }
}
