/// One cell's value as the workbook holds it.
public enum SheetCell: Equatable, Sendable {
    case text(String)
    /// A number as text, in the shortest form that keeps Excel's 15 significant digits (567.89,
    /// not 567.89000000000001).
    case number(String)
    /// A number shown as a date: `YYYY-MM-DD`.
    case date(String)
    case boolean(Bool)
    /// A formula's error (`#N/A`, `#DIV/0!`).
    case error(String)

    /// The cell as import reads it; nil for an error.
    public var importText: String? {
        switch self {
        case .text(let text), .number(let text), .date(let text): text
        case .boolean(let value): value ? "TRUE" : "FALSE"
        case .error: nil
        }
    }
}

/// A worksheet's cells, row by row (rows and cells that hold nothing left out).
public struct Sheet: Sendable {
    public struct Row: Sendable {
        /// The row's number as the spreadsheet shows it (from 1).
        public let number: Int
        /// Cells by column number (A is 1).
        public let cells: [Int: SheetCell]
    }

    public let name: String
    public let rows: [Row]
}

/// A block of merged cells (`B3:B5`): its value is in the top-left cell, the others empty.
public struct MergedCells: Sendable, Equatable {
    public let firstColumn: Int, firstRow: Int, lastColumn: Int, lastRow: Int

    /// `B3:B5`; nil for anything else.
    public init?(reference: String) {
        let corners = reference.split(separator: ":")
        guard corners.count == 2, let first = MergedCells.corner(corners[0]), let last = MergedCells.corner(corners[1]),
              first.column <= last.column, first.row <= last.row else { return nil }
        (firstColumn, firstRow, lastColumn, lastRow) = (first.column, first.row, last.column, last.row)
    }

    private static func corner(_ text: Substring) -> (column: Int, row: Int)? {
        guard let column = SheetParser.column(of: String(text)), column <= SheetParser.maximumColumn,
              let row = Int(text.drop { $0.isLetter }), (1...SheetParser.maximumRow).contains(row) else { return nil }
        return (column, row)
    }
}
