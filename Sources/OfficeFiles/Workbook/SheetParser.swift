import Foundation
import Records

/// A worksheet part's `<sheetData>` to rows of cells: shared and inline strings, numbers, dates
/// (numbers in a date format), booleans, errors, and a formula's last computed value.
struct SheetParser {
    let name: String
    let sharedStrings: [String]
    let dateStyles: Set<Int>
    let date1904: Bool

    func parse(_ bytes: [UInt8]) throws(WorkbookProblem) -> Sheet {
        var rows: [Sheet.Row] = []
        var rowNumber = 0
        var cells: [Int: SheetCell] = [:]
        var column = 0
        var cell: (type: String, style: Int, reference: String)?
        var value: String?
        var inlineText: String?
        var inValue = false, inText = false, inPhonetic = false
        try Workbook.scan(bytes, part: "工作表 \(name)") { event throws(WorkbookProblem) in
            switch event {
            case .start("row", let attributes):
                rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
                cells = [:]
                column = 0
            case .end("row"):
                if !cells.isEmpty { rows.append(Sheet.Row(number: rowNumber, cells: cells)) }
            case .start("c", let attributes):
                let reference = attributes["r"] ?? ""
                column = SheetParser.column(of: reference) ?? column + 1
                cell = (attributes["t"] ?? "n", attributes["s"].flatMap(Int.init) ?? 0,
                        reference.isEmpty ? "\(RowProblem.spreadsheetLetters(column))\(rowNumber)" : reference)
                value = nil
                inlineText = nil
            case .end("c"):
                guard let current = cell else { return }
                if let parsed = try self.cell(type: current.type, style: current.style, value: value, inlineText: inlineText,
                                              reference: current.reference) {
                    cells[column] = parsed
                }
                cell = nil
            case .start("v", _): inValue = true; value = value ?? ""
            case .end("v"): inValue = false
            case .start("rPh", _): inPhonetic = true
            case .end("rPh"): inPhonetic = false
            case .start("t", _) where cell != nil: inText = true; inlineText = inlineText ?? ""
            case .end("t"): inText = false
            case .text(let text):
                if inValue { value?.append(text) } else if inText && !inPhonetic { inlineText?.append(text) }
            default: break
            }
        }
        return Sheet(name: name, rows: rows)
    }

    private func cell(type: String, style: Int, value: String?, inlineText: String?, reference: String) throws(WorkbookProblem) -> SheetCell? {
        switch type {
        case "s":
            guard let value, let index = Int(value.trimmingCharacters(in: .whitespaces)), sharedStrings.indices.contains(index) else {
                throw WorkbookProblem(message: "工作表 \(name) 单元格 \(reference) 指向不存在的共享文字; 请在 Excel 或 WPS 中重新保存")
            }
            return sharedStrings[index].isEmpty ? nil : .text(sharedStrings[index])
        case "inlineStr":
            guard let text = inlineText ?? value, !text.isEmpty else { return nil }
            return .text(text)
        case "str":
            guard let value, !value.isEmpty else { return nil }
            return .text(value)
        case "b":
            guard let value else { return nil }
            return .boolean(value.trimmingCharacters(in: .whitespaces) == "1")
        case "e":
            return .error(value ?? "#VALUE!")
        default:
            // "n", or "d" (an ISO date, which Strict Open XML allows): a number.
            guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            if type == "d" { return .date(String(value.prefix(10))) }
            guard let number = Double(value) else {
                throw WorkbookProblem(message: "工作表 \(name) 单元格 \(reference) 的数字 \"\(value)\" 无法读取; 请在 Excel 或 WPS 中重新保存")
            }
            if dateStyles.contains(style), let day = ExcelDates.day(serial: number, date1904: date1904) { return .date(day) }
            return .number(SheetParser.canonical(number))
        }
    }

    /// A number with Excel's 15 significant digits, in its shortest form: 567.89, 12340000, 0.05.
    static func canonical(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        let rounded = Double(String(format: "%.15g", number)) ?? number
        let text = "\(rounded)"
        guard text.contains("e") else { return text }
        // Very small or large: as plain decimals, which the fields read.
        return (Decimal(string: String(format: "%.15g", number)) ?? Decimal(rounded)).description
    }

    /// `D12` → 4 (the column's number); nil when the reference has no letters.
    static func column(of reference: String) -> Int? {
        var number = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) || (97...122).contains(scalar.value) else { break }
            number = number * 26 + Int(scalar.value & 0x1F)
        }
        return number > 0 ? number : nil
    }
}
