import Records

/// A worksheet read as an import file: its header row found below any title rows (a ledger's
/// heading, merged across the columns), each data row's cells as text, and every problem named
/// by its cell on the sheet.
public enum SheetImport {
    /// How far down a header row is looked for.
    static let headerSearchRows = 20

    public static func reader(kind: RecordKind, sheet: Sheet, defaultUnit: String) throws(ImportFileProblem) -> ImportReader {
        guard let header = try findHeader(kind: kind, sheet: sheet) else {
            throw .problems([RowProblem(line: 1, message: "工作表是空的; 第一行 (或标题下面的一行) 应是表头: \(kind.csvColumns.joined(separator: ","))",
                                        sheet: sheet.name)])
        }
        var problems: [RowProblem] = []
        var records: [CSVRecord] = []
        for row in sheet.rows where row.number > header.line {
            var fields: [String] = []
            fields.reserveCapacity(header.columns.count)
            for (index, column) in header.columns.enumerated() {
                switch row.cells[column] {
                case .error(let code)?:
                    problems.append(RowProblem(line: row.number, column: column, columnName: header.names[index],
                                               message: "公式出错 (\(code)); 请改正公式或填入数值", sheet: sheet.name))
                    fields.append("")
                case let cell?: fields.append(cell.importText ?? "")
                case nil: fields.append("")
                }
            }
            for (column, cell) in row.cells where !header.columns.contains(column) && cell.importText.map({ !$0.trimmingSpaces().isEmpty }) ?? true {
                problems.append(RowProblem(line: row.number, column: column,
                                           message: "这一列没有表头, 但有内容; 请补上表头或删去这一列的内容", sheet: sheet.name))
            }
            // Rows with nothing in them are not kept (`ImportReader` reads past rows that hold
            // only a ledger's own columns, as it does in CSV).
            guard fields.contains(where: { !$0.trimmingSpaces().isEmpty }) else { continue }
            records.append(CSVRecord(line: row.number, fields: fields))
        }
        guard problems.isEmpty else { throw .problems(problems.sorted { ($0.line, $0.column ?? 0) < ($1.line, $1.column ?? 0) }) }
        return try ImportReader(kind: kind, sheet: sheet.name, headerLine: header.line, names: header.names, columns: header.columns,
                                rows: records, defaultUnit: defaultUnit)
    }

    /// The first of the top rows that reads as this kind's header; when none does, the problems
    /// of the one that comes nearest (the most columns known). Nil for an empty sheet.
    static func findHeader(kind: RecordKind, sheet: Sheet) throws(ImportFileProblem) -> (line: Int, names: [String], columns: [Int])? {
        var nearest: (known: Int, problems: [RowProblem])?
        for row in sheet.rows.prefix(headerSearchRows) {
            let filled = row.cells.compactMap { column, cell in cell.importText.map { (column, $0.trimmingSpaces()) } }
                .filter { !$0.1.isEmpty }.sorted { $0.0 < $1.0 }
            guard !filled.isEmpty else { continue }
            let names = filled.map(\.1), columns = filled.map(\.0)
            switch ImportHeader.parse(names, kind: kind, line: row.number) {
            case .success: return (row.number, names, columns)
            case .failure(.problems(let problems)):
                let known = names.filter { ImportHeader.column(named: $0, kind: kind) != nil }.count
                if known > (nearest?.known ?? 0) { nearest = (known, problems.map { $0.onSheet(sheet.name, columns: columns) }) }
            }
        }
        if let nearest { throw .problems(nearest.problems) }
        guard !sheet.rows.isEmpty else { return nil }
        throw .problems([RowProblem(line: sheet.rows[0].number,
                                    message: "前 \(headerSearchRows) 行里找不到表头; 表头应包含: \(kind.csvColumns.joined(separator: ","))", sheet: sheet.name)])
    }
}
