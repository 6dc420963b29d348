import Foundation
import Records

/// A worksheet part's `<sheetData>` to rows of cells: shared and inline strings, numbers, dates
/// (numbers in a date format), booleans, errors, and a formula's last computed value. Fed the
/// part a chunk at a time as it is unpacked (`feed`, `finish`), it hands each row on as it ends,
/// so that no sheet is ever held whole.
struct SheetParser {
    /// Excel's own limits: a reference beyond them is not from a program that saves workbooks.
    static let maximumRow = 1_048_576
    static let maximumColumn = 16_384
    /// The most one cell may hold (a field holds at most 200,000 characters, 600 KB of UTF-8).
    static let maximumCellBytes = 1 << 20

    let name: String
    let sharedStrings: [String]
    let dateStyles: Set<Int>
    let date1904: Bool

    private var scanner = XMLScanner.streaming()
    private var rowNumber = 0
    private var cells: [Int: SheetCell] = [:]
    private var column = 0
    private var cell: (type: String, style: Int, reference: String)?
    private var value: String?
    private var inlineText: String?
    private var inValue = false, inText = false, inPhonetic = false

    init(name: String, sharedStrings: [String], dateStyles: Set<Int>, date1904: Bool) {
        self.name = name
        self.sharedStrings = sharedStrings
        self.dateStyles = dateStyles
        self.date1904 = date1904
    }

    /// The whole part at once (tests, and small sheets): every row.
    func parse(_ bytes: [UInt8]) throws(WorkbookProblem) -> Sheet {
        var parser = self
        var rows: [Sheet.Row] = []
        try parser.feed(bytes) { rows.append($0) }
        try parser.finish { rows.append($0) }
        return Sheet(name: name, rows: rows)
    }

    /// The next chunk of the part; each row that ends in it goes to `row`.
    mutating func feed(_ chunk: some Collection<UInt8>, row: (Sheet.Row) throws(WorkbookProblem) -> Void) throws(WorkbookProblem) {
        scanner.append(chunk)
        try drain(row)
    }

    mutating func finish(row: (Sheet.Row) throws(WorkbookProblem) -> Void) throws(WorkbookProblem) {
        scanner.finish()
        try drain(row)
    }

    private mutating func drain(_ row: (Sheet.Row) throws(WorkbookProblem) -> Void) throws(WorkbookProblem) {
        while true {
            let event: XMLScanner.Event?
            do {
                event = try scanner.nextAvailable()
            } catch {
                throw WorkbookProblem(message: "工作簿的 工作表 \(name) 不是有效的 XML (第 \(error.offset) 字节: \(error.message)); 请在 Excel 或 WPS 中重新保存")
            }
            guard let event else { return }
            if let ended = try handle(event) { try row(ended) }
        }
    }

    /// One event of the part; a row when it is one that ended holding something.
    /// The sheet's merged blocks (`<mergeCells>`, after its rows), at most `maximumMerged`.
    private(set) var merged: [MergedCells] = []
    static let maximumMerged = 100_000

    private mutating func handle(_ event: XMLScanner.Event) throws(WorkbookProblem) -> Sheet.Row? {
        switch event {
        case .start("mergeCell", let attributes):
            if merged.count < SheetParser.maximumMerged, let block = attributes["ref"].flatMap(MergedCells.init(reference:)) { merged.append(block) }
        case .start("row", let attributes):
            rowNumber = try row(attributes["r"], after: rowNumber)
            cells = [:]
            column = 0
        case .end("row"):
            if !cells.isEmpty { return Sheet.Row(number: rowNumber, cells: cells) }
        case .start("c", let attributes):
            let reference = attributes["r"] ?? ""
            column = try self.column(of: reference, after: column)
            cell = (attributes["t"] ?? "n", attributes["s"].flatMap(Int.init) ?? 0,
                    reference.isEmpty ? "\(RowProblem.spreadsheetLetters(column))\(rowNumber)" : reference)
            value = nil
            inlineText = nil
        case .end("c"):
            guard let current = cell else { return nil }
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
            if (value?.utf8.count ?? 0) > SheetParser.maximumCellBytes || (inlineText?.utf8.count ?? 0) > SheetParser.maximumCellBytes {
                throw WorkbookProblem(message: "工作表 \(name) 单元格 \(cell?.reference.prefix(24) ?? "") 的内容超过 \(SheetParser.maximumCellBytes >> 20) MB; "
                                      + "这不是正常的台账文件")
            }
        default: break
        }
        return nil
    }

    /// A row's number: its `r`, or the one after the last; within Excel's rows, and never going back.
    private func row(_ attribute: String?, after previous: Int) throws(WorkbookProblem) -> Int {
        let number: Int
        if let attribute {
            guard let read = Int(attribute.trimmingCharacters(in: .whitespaces)), (1...SheetParser.maximumRow).contains(read) else {
                throw WorkbookProblem(message: "工作表 \(name) 的行号 \"\(attribute.prefix(24))\" 超出 Excel 的范围 (1 到 \(SheetParser.maximumRow)); "
                                      + "文件已损坏或不是由 Excel、WPS 保存的")
            }
            number = read
        } else {
            number = previous + 1
        }
        guard number <= SheetParser.maximumRow else {
            throw WorkbookProblem(message: "工作表 \(name) 超过 \(SheetParser.maximumRow) 行 (Excel 的上限); 文件已损坏或不是由 Excel、WPS 保存的")
        }
        return number
    }

    /// A cell's column: from its reference (`D12` → 4), or the one after the last; within XFD.
    private func column(of reference: String, after previous: Int) throws(WorkbookProblem) -> Int {
        guard let column = SheetParser.column(of: reference) ?? (previous < SheetParser.maximumColumn ? previous + 1 : nil) else {
            throw WorkbookProblem(message: "工作表 \(name) 第 \(rowNumber) 行超过 \(SheetParser.maximumColumn) 列 (XFD, Excel 的上限); "
                                  + "文件已损坏或不是由 Excel、WPS 保存的")
        }
        guard column <= SheetParser.maximumColumn else {
            throw WorkbookProblem(message: "工作表 \(name) 的单元格引用 \"\(reference.prefix(24))\" 超出 Excel 的范围 (最多 XFD 列); "
                                  + "文件已损坏或不是由 Excel、WPS 保存的")
        }
        return column
    }

    private func cell(type: String, style: Int, value: String?, inlineText: String?, reference: String) throws(WorkbookProblem) -> SheetCell? {
        let reference = String(reference.prefix(24))
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
            return .error(String((value ?? "#VALUE!").prefix(24)))
        default:
            // "n", or "d" (an ISO date, which Strict Open XML allows): a number.
            guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            if type == "d" { return .date(String(value.prefix(10))) }
            guard let number = Double(value), number.isFinite else {
                throw WorkbookProblem(message: "工作表 \(name) 单元格 \(reference) 的数字 \"\(value.prefix(40))\" 无法读取; 请在 Excel 或 WPS 中重新保存")
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

    /// `D12` → 4 (the column's number); nil when the reference has no letters. More than three
    /// letters is past XFD whatever they are: `maximumColumn + 1`, never an overflow.
    static func column(of reference: String) -> Int? {
        var number = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) || (97...122).contains(scalar.value) else { break }
            letters += 1
            guard letters <= 3 else { return maximumColumn + 1 }
            number = number * 26 + Int(scalar.value & 0x1F)
        }
        return number > 0 ? number : nil
    }
}
