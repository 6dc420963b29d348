/// One data row of an import file, checked field by field and ready to store.
public struct ImportRow: Sendable, Equatable {
    public let line: Int
    public let id: String
    /// True when the file gave no id and one was derived from the row's identifying fields
    /// (`RecordKind.identityFields`); false when `id` is the file's own id, as typed.
    public let idWasDerived: Bool
    /// The unit column's value, or nil to use the replica's own unit.
    public let unit: String?
    /// The fields whose columns the file has, as canonical text; nil for an empty cell (a new
    /// record takes the field's default for it; an existing one keeps what it has).
    public let values: [String: String?]
}

/// How an import file's columns map to a kind's fields.
public struct ImportHeader: Sendable {
    public enum Column: Sendable, Hashable {
        case id, unit
        case field(String)
        /// A ledger's own bookkeeping (序号, 备注): read past, stored nowhere.
        case ignored(String)
    }

    /// Column headers a ledger carries for its own use: the row counter and remarks.
    public static let ignoredHeaders = ["序号", "备注", "说明"]

    public let kind: RecordKind
    public let columns: [Column]
    /// Each column's header as the file writes it (a wrapped one on one line): problems name a
    /// column the way the user's own sheet does, Chinese or key.
    public let names: [String]

    /// Maps header names (the CSV keys, or accepted Chinese names) to columns; every problem is listed.
    public static func parse(_ names: [String], kind: RecordKind, line: Int) -> Result<ImportHeader, ImportFileProblem> {
        var columns: [Column] = []
        var problems: [RowProblem] = []
        var seen: [Column: Int] = [:]
        for (index, rawName) in names.enumerated() {
            let name = rawName.trimmingSpaces()
            guard let column = column(named: name, kind: kind) else {
                problems.append(RowProblem(line: line, column: index + 1, columnName: name.isEmpty ? nil : name,
                                           message: "未知的列 \"\(name)\"; \(kind.rawValue) 可用的列: \(kind.csvColumns.joined(separator: ", "))"))
                continue
            }
            if case .ignored = column { columns.append(column); continue }
            if let earlier = seen[column] {
                problems.append(RowProblem(line: line, column: index + 1, columnName: name,
                                           message: "与第 \(earlier) 列重复; 每一列只能出现一次"))
                continue
            }
            seen[column] = index + 1
            columns.append(column)
        }
        for field in kind.fields where field.isRequired && field.defaultValue == nil && seen[.field(field.name)] == nil {
            problems.append(RowProblem(line: line, message: "缺少必填列 \(field.name) (\(field.label)); 表头应包含: \(kind.csvColumns.joined(separator: ","))"))
        }
        let written = names.map { $0.trimmingSpaces().replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: " ") }
        if problems.isEmpty { return .success(ImportHeader(kind: kind, columns: columns, names: written)) }
        return .failure(.problems(problems))
    }

    public static func column(named name: String, kind: RecordKind) -> Column? {
        if let column = exactColumn(named: name, kind: kind) { return column }
        // A header as offices write it: wrapped in its cell (`收到日期\n（年月日）`), or with a note
        // in brackets after the name (`金额（元）` is a name of its own, tried first).
        let firstLine = String(name.prefix { $0 != "\n" && $0 != "\r" }).trimmingSpaces()
        for candidate in [name.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: ""), firstLine] {
            if let column = exactColumn(named: candidate, kind: kind) { return column }
            var bare = candidate
            while let last = bare.last, last == "）" || last == ")", let open = bare.lastIndex(where: { $0 == "（" || $0 == "(" }) {
                bare = String(bare[..<open]).trimmingSpaces()
            }
            if bare != candidate, !bare.isEmpty, let column = exactColumn(named: bare, kind: kind) { return column }
        }
        return nil
    }

    private static func exactColumn(named name: String, kind: RecordKind) -> Column? {
        let lowered = name.lowercased()
        if ignoredHeaders.contains(name) { return .ignored(name) }
        if lowered == "id" || name == "编号" { return .id }
        if lowered == "unit" || name == "单位" || name == "单位代码" { return .unit }
        if let field = kind.fields.first(where: { $0.name == lowered }) { return .field(field.name) }
        let normalized = LabelNormalizer.normalize(name)
        if let field = kind.fields.first(where: { spec in
            LabelNormalizer.normalize(spec.label) == normalized || spec.headerAliases.contains { LabelNormalizer.normalize($0) == normalized }
        }) {
            return .field(field.name)
        }
        return nil
    }

    public func columnNumber(of field: String) -> Int? {
        columns.firstIndex(of: .field(field)).map { $0 + 1 }
    }

    /// The header of column `number` (1-based) as the file writes it.
    public func name(ofColumn number: Int) -> String? {
        number >= 1 && number <= names.count ? names[number - 1] : nil
    }
}

/// Reads an import file row by row: the header first, then each row checked field by field.
/// Rules between fields and against the replica (existing ids, units) are checked where the
/// row is stored, since they need the record as it stands.
public struct ImportReader: Sequence, IteratorProtocol {
    public let header: ImportHeader
    /// Where the rows come from: a CSV file read as it goes, or a worksheet's rows read already.
    private enum Source {
        case csv(CSVReader)
        case sheet(name: String, columns: [Int], rows: IndexingIterator<[CSVRecord]>)
    }
    private var source: Source
    private let defaultUnit: String
    private var occurrences: [String: Int] = [:]
    private var stopped = false
    /// Each column's field, looked up once for the file rather than once a cell.
    private let specs: [FieldSpec?]

    /// How far down a CSV's header row is looked for (a ledger's title rows above it).
    static let headerSearchRows = 20

    /// Reads the header: the first of the top rows that reads as this kind's header (title rows
    /// above it are passed over). An empty file or no header is a list of problems, those of
    /// the row that came nearest. Comma- or tab-separated, as the first line shows.
    public init(kind: RecordKind, bytes: [UInt8], defaultUnit: String) throws(ImportFileProblem) {
        var csv = CSVReader(bytes: bytes, separator: CSVReader.separator(of: bytes))
        var nearest: (known: Int, problems: [RowProblem])?
        var found: ImportHeader?
        for _ in 0..<ImportReader.headerSearchRows {
            guard let next = csv.next() else { break }
            switch next {
            case .failure(let problem):
                throw .problems([RowProblem(line: problem.line, message: problem.message)])
            case .success(let record):
                switch ImportHeader.parse(record.fields, kind: kind, line: record.line) {
                case .success(let header): found = header
                case .failure(.problems(let problems)):
                    let known = record.fields.filter { ImportHeader.column(named: $0.trimmingSpaces(), kind: kind) != nil }.count
                    if known > (nearest?.known ?? 0) || nearest == nil { nearest = (known, problems) }
                }
            }
            if found != nil { break }
        }
        guard let found else {
            if let nearest { throw .problems(nearest.problems) }
            throw .problems([RowProblem(line: 1, message: "文件是空的; 第一行应是表头: \(kind.csvColumns.joined(separator: ","))")])
        }
        header = found
        source = .csv(csv)
        self.defaultUnit = defaultUnit
        specs = ImportReader.specs(of: header)
    }

    /// Reads a worksheet's rows: `names` is the header row (its line `headerLine`), `columns`
    /// the sheet's column number of each name, `rows` the data rows (each as long as `names`).
    /// Every problem is placed on the sheet, by cell.
    public init(kind: RecordKind, sheet: String, headerLine: Int, names: [String], columns: [Int], rows: [CSVRecord],
                defaultUnit: String) throws(ImportFileProblem) {
        switch ImportHeader.parse(names, kind: kind, line: headerLine) {
        case .failure(.problems(let problems)): throw .problems(problems.map { $0.onSheet(sheet, columns: columns) })
        case .success(let header): self.header = header
        }
        source = .sheet(name: sheet, columns: columns, rows: rows.makeIterator())
        self.defaultUnit = defaultUnit
        specs = ImportReader.specs(of: header)
    }

    private static func specs(of header: ImportHeader) -> [FieldSpec?] {
        header.columns.map { column in
            if case .field(let name) = column { header.kind.field(named: name) } else { nil }
        }
    }

    public mutating func next() -> ImportRowResult? {
        guard !stopped else { return nil }
        while true {
            switch source {
            case .csv(var csv):
                let next = csv.next()
                source = .csv(csv)
                switch next {
                case nil: return nil
                case .failure(let problem)?: return .problems([RowProblem(line: problem.line, message: problem.message)])
                case .success(let record)?:
                    if isBlank(record) { continue }
                    if ImportReader.isFooter(record) { stopped = true; return nil }
                    return row(from: record)
                }
            case .sheet(let name, let columns, var rows):
                let next = rows.next()
                source = .sheet(name: name, columns: columns, rows: rows)
                guard let record = next else { return nil }
                if isBlank(record) { continue }
                if ImportReader.isFooter(record) { stopped = true; return nil }
                switch row(from: record) {
                case .problems(let problems): return .problems(problems.map { $0.onSheet(name, columns: columns) })
                case let row: return row
                }
            }
        }
    }

    /// The signatures under a ledger (`填表人：张三  审核人：李四`, `制表日期：…`): the data ends there.
    static let footerWords = ["填表人", "填报人", "制表人", "审核人", "负责人", "经办人", "填表日期", "制表日期", "填报日期"]

    static func isFooter(_ record: CSVRecord) -> Bool {
        guard let first = record.fields.lazy.map({ $0.trimmingSpaces() }).first(where: { !$0.isEmpty }) else { return false }
        return footerWords.contains { first.hasPrefix($0) }
    }

    /// A row left blank: nothing but spaces, or nothing but a ledger's own columns (序号
    /// numbered down a page of empty rows, 备注). Read past, as a spreadsheet's empty rows are.
    private func isBlank(_ record: CSVRecord) -> Bool {
        guard record.fields.count == header.columns.count else { return false }
        for (field, column) in zip(record.fields, header.columns) {
            if case .ignored = column { continue }
            if !field.trimmingSpaces().isEmpty { return false }
        }
        return true
    }

    private mutating func row(from record: CSVRecord) -> ImportRowResult {
        // A CSV's cells as written before `CSVWriter.neutralised` (a worksheet's are typed values).
        let record = if case .csv = source { CSVRecord(line: record.line, fields: record.fields.map(CSVWriter.restored)) } else { record }
        guard record.fields.count == header.columns.count else {
            return .problems([RowProblem(line: record.line, message: "这一行有 \(record.fields.count) 个字段, 表头有 \(header.columns.count) 列; 检查是否多了或少了逗号")])
        }
        var problems: [RowProblem] = []
        var id: String?
        var unit: String?
        var values: [String: String?] = [:]
        values.reserveCapacity(header.columns.count)
        for (index, column) in header.columns.enumerated() {
            let raw = record.fields[index]
            switch column {
            case .id:
                let text = raw.trimmingSpaces()
                if text.isEmpty { break }
                if let problem = RecordID.problem(with: text) {
                    problems.append(RowProblem(line: record.line, column: index + 1, columnName: header.names[index], message: problem))
                } else {
                    id = text
                }
            case .unit:
                let text = raw.trimmingSpaces()
                if text.isEmpty { break }
                if let problem = UnitCode.problem(with: text) {
                    problems.append(RowProblem(line: record.line, column: index + 1, columnName: header.names[index], message: problem))
                } else {
                    unit = text
                }
            case .ignored:
                break
            case .field(let name):
                let spec = specs[index]!
                switch spec.normalize(raw) {
                case .success(let value):
                    values.updateValue(value, forKey: name)
                case .failure(let problem):
                    problems.append(RowProblem(line: record.line, column: index + 1, columnName: header.names[index], message: problem.message))
                }
            }
        }
        guard problems.isEmpty else { return .problems(problems) }
        let finalID: String
        var derived = false
        if let id {
            finalID = id
        } else {
            let content = header.kind.identityFields.map { name -> String in
                let value: String? = values[name].flatMap { $0 }
                return "\(name)=\(value ?? "")"
            }
            let effectiveUnit = unit ?? defaultUnit
            let key = ([effectiveUnit] + content).joined(separator: "\u{1F}")
            let occurrence = occurrences[key, default: 0]
            occurrences[key] = occurrence + 1
            finalID = RecordID.derived(for: header.kind, unit: effectiveUnit, content: content, occurrence: occurrence)
            derived = true
        }
        return .row(ImportRow(line: record.line, id: finalID, idWasDerived: derived, unit: unit, values: values))
    }
}

public enum ImportFileProblem: Error, Sendable, Equatable {
    case problems([RowProblem])
}

/// One data row of an import file: ready to store, or what is wrong with it.
public enum ImportRowResult: Sendable, Equatable {
    case row(ImportRow)
    case problems([RowProblem])
}
