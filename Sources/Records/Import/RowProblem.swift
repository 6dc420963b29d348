/// Something wrong with one row (or the header) of an imported file, located for the user:
/// `第 12 行, 第 5 列 (E, applicant_type): 未知的申请人类型 "个人"; 可用: …`.
public struct RowProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int?
    public let columnName: String?
    public let message: String
    /// The worksheet, when the file is a workbook: the place is then named as a cell (`D12`).
    public let sheet: String?

    public init(line: Int, column: Int? = nil, columnName: String? = nil, message: String, sheet: String? = nil) {
        self.line = line
        self.column = column
        self.columnName = columnName
        self.message = message
        self.sheet = sheet
    }

    /// The same problem, placed on a worksheet, its column renumbered by `columns` (the header's
    /// columns' numbers on the sheet, when they do not start at A or have gaps).
    public func onSheet(_ sheet: String, columns: [Int]) -> RowProblem {
        let sheetColumn = column.map { $0 >= 1 && $0 <= columns.count ? columns[$0 - 1] : $0 }
        return RowProblem(line: line, column: sheetColumn, columnName: columnName, message: message, sheet: sheet)
    }

    public var description: String {
        if let sheet {
            var place = "工作表 \"\(sheet)\" "
            if let column {
                place += "单元格 \(RowProblem.spreadsheetLetters(column))\(line)"
            } else {
                place += "第 \(line) 行"
            }
            if let columnName { place += " (\(columnName))" }
            return "\(place): \(message)"
        }
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

    /// The problems as a person reads them: one problem that recurs in the same column (a wrong
    /// value typed down a ledger, a date format) is said once, with how many rows have it and
    /// the first of them; the rest one by one, in file order.
    public static func summarised(_ problems: [RowProblem], rowsShown: Int = 10) -> [String] {
        var groups: [String: [RowProblem]] = [:]
        var order: [String] = []
        for problem in problems {
            let key = "\(problem.sheet ?? "")\u{1}\(problem.column.map(String.init) ?? "")\u{1}\(problem.columnName ?? "")\u{1}\(problem.message)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(problem)
        }
        return order.map { key in
            let group = groups[key]!
            guard group.count > 1, let first = group.first else { return group[0].description }
            let lines = group.map(\.line)
            let shown = lines.prefix(rowsShown).map(String.init).joined(separator: ", ") + (lines.count > rowsShown ? " …" : "")
            var column = ""
            if let number = first.column { column = ", 第 \(number) 列 (\(spreadsheetLetters(number))" + (first.columnName.map { ", \($0)" } ?? "") + ")" }
            else if let name = first.columnName { column = " (\(name))" }
            let sheet = first.sheet.map { "工作表 \"\($0)\" " } ?? ""
            return "\(sheet)共 \(lines.count) 行\(column): \(first.message) (第 \(shown) 行)"
        }
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
