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
