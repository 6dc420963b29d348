import Records

/// A worksheet read as an import file: its header row found below any title rows (a ledger's
/// heading, merged across the columns), each data row's cells as text, and every problem named
/// by its cell on the sheet. Rows are taken as the sheet is read, and only the header's columns
/// of each are kept, so that what is held is the ledger, not the sheet.
public enum SheetImport {
    /// How far down a header row is looked for.
    static let headerSearchRows = 20
    /// The most data rows one sheet may bring (a village's ledger of ten years has thousands): a
    /// sheet past it is split into several files.
    public static let maximumDataRows = 200_000
    /// Problems listed before the reading stops: a sheet with more is not the ledger it claims.
    static let maximumProblems = 1_000

    /// The sheet `sheet` (or the first one not hidden) of `workbook`, read as it is unpacked.
    /// Throws a `WorkbookProblem` for the file, an `ImportFileProblem` for its rows.
    public static func reader(kind: RecordKind, workbook: Workbook, sheet: String? = nil, defaultUnit: String) throws -> ImportReader {
        let name = try workbook.chosenSheet(sheet)
        var records = SheetRecords(kind: kind, sheet: name)
        let scanned = try workbook.scanRows(ofSheet: name) { row throws(WorkbookProblem) in try records.add(row) }
        try records.carryDown(scanned.merged)
        return try records.reader(defaultUnit: defaultUnit)
    }

    /// A sheet already read whole.
    public static func reader(kind: RecordKind, sheet: Sheet, defaultUnit: String) throws(ImportFileProblem) -> ImportReader {
        var records = SheetRecords(kind: kind, sheet: sheet.name)
        do {
            for row in sheet.rows { try records.add(row) }
        } catch {
            throw .problems([RowProblem(line: 1, message: error.message)])
        }
        return try records.reader(defaultUnit: defaultUnit)
    }

    /// The first of the top rows that reads as this kind's header; when none does, the problems
    /// of the one that comes nearest (the most columns known). Nil for an empty sheet.
    static func findHeader(kind: RecordKind, rows: [Sheet.Row], sheet: String) throws(ImportFileProblem) -> (line: Int, names: [String], columns: [Int])? {
        var nearest: (known: Int, problems: [RowProblem])?
        for row in rows.prefix(headerSearchRows) {
            let filled = row.cells.compactMap { column, cell in cell.importText.map { (column, $0.trimmingSpaces()) } }
                .filter { !$0.1.isEmpty }.sorted { $0.0 < $1.0 }
            guard !filled.isEmpty else { continue }
            let names = filled.map(\.1), columns = filled.map(\.0)
            switch ImportHeader.parse(names, kind: kind, line: row.number) {
            case .success: return (row.number, names, columns)
            case .failure(.problems(let problems)):
                let known = names.filter { ImportHeader.column(named: $0, kind: kind) != nil }.count
                if known > (nearest?.known ?? 0) { nearest = (known, problems.map { $0.onSheet(sheet, columns: columns) }) }
            }
        }
        if let nearest { throw .problems(nearest.problems) }
        guard let first = rows.first else { return nil }
        throw .problems([RowProblem(line: first.number,
                                    message: "前 \(headerSearchRows) 行里找不到表头; 表头应包含: \(kind.csvColumns.joined(separator: ","))", sheet: sheet)])
    }
}

/// The rows of a sheet taken one at a time: the first few held until the header is found among
/// them, then each data row kept as the header's columns only, with its problems.
struct SheetRecords {
    let kind: RecordKind
    let sheet: String
    private var top: [Sheet.Row] = []
    private var header: (line: Int, names: [String], columns: [Int])?
    private var headerProblem: ImportFileProblem?
    private var records: [CSVRecord] = []
    private var problems: [RowProblem] = []

    init(kind: RecordKind, sheet: String) {
        self.kind = kind
        self.sheet = sheet
    }

    mutating func add(_ row: Sheet.Row) throws(WorkbookProblem) {
        guard header != nil || headerProblem != nil else {
            top.append(row)
            if top.count >= SheetImport.headerSearchRows { try settleHeader() }
            return
        }
        guard headerProblem == nil else { return }
        try take(row)
    }

    /// The import reader of what was taken, or every problem found.
    mutating func reader(defaultUnit: String) throws(ImportFileProblem) -> ImportReader {
        if header == nil && headerProblem == nil {
            do { try settleHeader() } catch { throw .problems([RowProblem(line: 1, message: error.message, sheet: sheet)]) }
        }
        if let headerProblem { throw headerProblem }
        guard let header else {
            throw .problems([RowProblem(line: 1, message: "工作表是空的; 第一行 (或标题下面的一行) 应是表头: \(kind.csvColumns.joined(separator: ","))",
                                        sheet: sheet)])
        }
        guard problems.isEmpty else {
            throw .problems(problems.sorted { ($0.line, $0.column ?? 0) < ($1.line, $1.column ?? 0) })
        }
        return try ImportReader(kind: kind, sheet: sheet, headerLine: header.line, names: header.names, columns: header.columns,
                                rows: records, defaultUnit: defaultUnit)
    }

    /// The header among the rows held, then those below it taken as data.
    private mutating func settleHeader() throws(WorkbookProblem) {
        do {
            header = try SheetImport.findHeader(kind: kind, rows: top, sheet: sheet)
        } catch {
            headerProblem = error
        }
        let held = top
        top = []
        guard let header else { return }
        for row in held where row.number > header.line { try take(row) }
    }

    private mutating func take(_ row: Sheet.Row) throws(WorkbookProblem) {
        guard let header else { return }
        var fields: [String] = []
        fields.reserveCapacity(header.columns.count)
        for (index, column) in header.columns.enumerated() {
            switch row.cells[column] {
            case .error(let code)?:
                problem(RowProblem(line: row.number, column: column, columnName: header.names[index], message: "公式出错 (\(code)); 请改正公式或填入数值",
                                   sheet: sheet))
                fields.append("")
            case let cell?: fields.append(cell.importText ?? "")
            case nil: fields.append("")
            }
        }
        for (column, cell) in row.cells where !header.columns.contains(column) && cell.importText.map({ !$0.trimmingSpaces().isEmpty }) ?? true {
            problem(RowProblem(line: row.number, column: column, message: "这一列没有表头, 但有内容; 请补上表头或删去这一列的内容", sheet: sheet))
        }
        // Rows with nothing in them are not kept (`ImportReader` reads past rows that hold
        // only a ledger's own columns, as it does in CSV).
        guard fields.contains(where: { !$0.trimmingSpaces().isEmpty }) else { return }
        guard records.count < SheetImport.maximumDataRows else {
            throw WorkbookProblem(message: "工作表超过 \(SheetImport.maximumDataRows) 行数据; 请分成几个文件导入")
        }
        records.append(CSVRecord(line: row.number, fields: fields))
    }

    /// Cells merged down a column (one applicant over several rows, a date over a day's requests)
    /// hold their value in the top cell only: each row below takes it, as the ledger shows it.
    mutating func carryDown(_ merged: [MergedCells]) throws(WorkbookProblem) {
        guard !merged.isEmpty else { return }
        // A short sheet's header is found once all of it is read.
        if header == nil && headerProblem == nil { try settleHeader() }
        guard let header, !records.isEmpty else { return }
        let indexOfLine = Dictionary(records.enumerated().map { ($1.line, $0) }, uniquingKeysWith: { first, _ in first })
        for block in merged where block.lastRow > block.firstRow && block.firstRow > header.line {
            guard let top = indexOfLine[block.firstRow] else { continue }
            for (field, column) in header.columns.enumerated() where (block.firstColumn...block.lastColumn).contains(column) {
                let value = column == block.firstColumn ? records[top].fields[field] : records[top].fields[header.columns.firstIndex(of: block.firstColumn) ?? field]
                guard !value.isEmpty else { continue }
                for line in (block.firstRow + 1)...block.lastRow {
                    guard let index = indexOfLine[line], records[index].fields[field].isEmpty else { continue }
                    var fields = records[index].fields
                    fields[field] = value
                    records[index] = CSVRecord(line: line, fields: fields)
                }
            }
        }
    }

    private mutating func problem(_ problem: RowProblem) {
        if problems.count < SheetImport.maximumProblems { problems.append(problem) }
    }
}
