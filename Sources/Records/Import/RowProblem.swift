/// Something wrong with one row (or the header) of an imported file, located for the user:
/// `第 12 行, 第 5 列 (E, applicant_type): 未知的申请人类型 "个人"; 可用: …`.
public struct RowProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int?
    public let columnName: String?
    public let message: String

    public init(line: Int, column: Int? = nil, columnName: String? = nil, message: String) {
        self.line = line
        self.column = column
        self.columnName = columnName
        self.message = message
    }

    public var description: String {
        var place = "第 \(line) 行"
        if let column {
            place += ", 第 \(column) 列 (\(RowProblem.spreadsheetLetters(column))"
            if let columnName { place += ", \(columnName)" }
            place += ")"
        } else if let columnName {
            place += " (\(columnName))"
        }
        return "\(place): \(message)"
    }

    /// 1 → A, 27 → AA: how a spreadsheet names the column.
    public static func spreadsheetLetters(_ column: Int) -> String {
        var number = column
        var letters = ""
        while number > 0 {
            let remainder = (number - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
            number = (number - 1) / 26
        }
        return letters
    }
}
