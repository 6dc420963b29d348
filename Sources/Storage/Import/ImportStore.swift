import Records

/// How an import treats rows that would change more than their cells say.
public struct ImportOptions: Sendable, Equatable {
    /// What to do with a row without an id that differs from an existing record in one
    /// identifying field only (a corrected title, a received date typed again).
    public enum NearRows: String, Sendable, CaseIterable {
        /// Import nothing; list each such row with the record it resembles.
        case refuse
        /// Take the row as a correction of that record.
        case update
        /// Take the row as a record of its own.
        case add
    }

    /// Bring back deleted records that rows stand for (otherwise those rows are left out and listed).
    public var restoreDeleted = false
    public var nearRows = NearRows.refuse
    /// When the file was last saved: a value written in the tool after it (an edit, a conflict
    /// settled) is newer than the ledger, and the import refuses to change it back…
    public var ledgerSavedAt: Int64?
    /// …unless told the ledger is right (`--overwrite`).
    public var overwrite = false

    public init(restoreDeleted: Bool = false, nearRows: NearRows = .refuse, ledgerSavedAt: Int64? = nil, overwrite: Bool = false) {
        self.restoreDeleted = restoreDeleted
        self.nearRows = nearRows
        self.ledgerSavedAt = ledgerSavedAt
        self.overwrite = overwrite
    }
}

/// One row an import treated other than its cells say, and why.
public struct ImportNote: Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let id: String
    public let detail: String

    public var description: String { "第 \(line) 行 (\(id)): \(detail)" }
}

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    public var created = 0
    public var updated = 0
    public var restored = 0
    public var unchanged = 0
    /// Rows that came without an id and got one derived from their content.
    public var derivedIDs = 0
    /// Filled fields that an empty cell left as they were (an import never blanks a field).
    public var keptValues: [ImportNote] = []
    /// Rows whose record is deleted, left deleted (without `restoreDeleted`).
    public var leftDeleted: [ImportNote] = []
    /// Rows taken as corrections of, or additions beside, records they nearly match.
    public var nearRows: [ImportNote] = []
    /// Filled values an update changed, old → new: an older ledger imported by mistake shows here.
    public var changedValues: [ImportNote] = []

    public var rows: Int { created + updated + restored + unchanged + leftDeleted.count }
}

/// Spreadsheet rows into records: a whole file in one transaction, or nothing.
public struct ImportStore: Sendable {
    let database: Database

    init(_ database: Database) {
        self.database = database
    }

    /// Imports every row of `reader` in one transaction: all rows or none. Each row is checked
    /// as a whole record (against the record it updates, if any), against this replica's scope
    /// and against ids of other units; every problem of every row is collected, and if there is
    /// one, nothing is stored and all of them are thrown.
    ///
    /// A row with an id updates that record (a typed id is scoped by unit, see `TypedRecordID`).
    /// A row without one stands for the record with the same identifying fields; a row that
    /// nearly matches a record is handled as `options.nearRows` says. An empty cell never blanks
    /// a filled field, and a deleted record comes back only with `options.restoreDeleted`.
    /// `dryRun`: everything checked and done inside the transaction, which is then rolled back:
    /// the summary says what the import would do, and nothing is written.
    public func importRows(_ reader: ImportReader, options: ImportOptions = ImportOptions(), now: Int64, dryRun: Bool = false,
                           progress: ((Int) -> Void)? = nil) throws(ReplicaError) -> ImportSummary {
        do {
            return try write(reader, options: options, now: now, dryRun: dryRun, progress: progress)
        } catch .importNotWritten(let summary) {
            return summary
        }
    }

    private func write(_ reader: ImportReader, options: ImportOptions, now: Int64, dryRun: Bool,
                       progress: ((Int) -> Void)?) throws(ReplicaError) -> ImportSummary {
        var reader = reader
        let kind = reader.header.kind
        return try database.write(now: now) { connection, session in
            let table = RecordTable(kind)
            var importer = RowImporter(table: table, writer: RecordWriter(table: table, connection: connection, session: session),
                                       connection: connection, header: reader.header, options: options)
            var processed = 0
            while let next = reader.next() {
                processed += 1
                if processed % 10_000 == 0 { progress?(processed) }
                switch next {
                case .problems(let rowProblems): importer.problems += rowProblems
                case .row(let row):
                    let unit = row.unit ?? session.unit
                    guard try session.inScope(unit) else {
                        importer.problems.append(importer.problem(row, "unit", ReplicaError.unitOutOfScope(code: unit, replicaUnit: session.unit).description))
                        continue
                    }
                    try importer.importRow(row, unit: unit)
                }
            }
            try importer.finish()
            if !importer.problems.isEmpty { throw ReplicaError.rejectedRows(importer.problems) }
            if dryRun { throw ReplicaError.importNotWritten(importer.summary) }
            return importer.summary
        }
    }
}

/// The rows of one import, matched to records and stored, inside the import's transaction.
struct RowImporter {
    let table: RecordTable
    let writer: RecordWriter
    let connection: Connection
    let header: ImportHeader
    let options: ImportOptions
    var summary = ImportSummary()
    var problems: [RowProblem] = []
    /// The line that stands for each record so far: one record, one row.
    private var lineOfRecord: [String: Int] = [:]
    /// Existing records by identifying fields, read when the first row without an id comes.
    private var ledger: LedgerIndex?
    /// Whether the table holds ids typed before ids were scoped, asked at the first typed id.
    private var unscopedIDsExist: Bool?
    /// Rows that nearly match a record, decided once every exact match of the file is known.
    private var nearlyMatched: [(row: ImportRow, unit: String, matches: [LedgerIndex.NearMatch])] = []

    init(table: RecordTable, writer: RecordWriter, connection: Connection, header: ImportHeader, options: ImportOptions) {
        self.table = table
        self.writer = writer
        self.connection = connection
        self.header = header
        self.options = options
    }

    var kind: RecordKind { table.kind }

    func problem(_ row: ImportRow, _ column: String?, _ message: String) -> RowProblem {
        let number: Int? = switch column {
        case "id": header.columns.firstIndex(of: .id).map { $0 + 1 }
        case "unit": header.columns.firstIndex(of: .unit).map { $0 + 1 }
        case let field?: header.columnNumber(of: field)
        case nil: nil
        }
        return RowProblem(line: row.line, column: number, columnName: number.flatMap(header.name(ofColumn:)) ?? column, message: message)
    }

    mutating func importRow(_ row: ImportRow, unit: String) throws {
        guard row.idWasDerived else {
            if unscopedIDsExist == nil { unscopedIDsExist = try TypedRecordID.unscopedIDsExist(in: table, connection: connection) }
            switch try TypedRecordID.resolve(row.id, unit: unit, table: table, connection: connection, unscopedIDsExist: unscopedIDsExist!) {
            case .problem(let message): problems.append(problem(row, "id", message))
            case .record(let id, let existing): try store(row, id: id, unit: unit, existing: existing)
            }
            return
        }
        summary.derivedIDs += 1
        // The record this row's identifying fields derive to, as an earlier import made it.
        if let existing = try table.load(connection, id: row.id), existing.unit == unit, lineOfRecord[row.id] == nil {
            return try store(row, id: row.id, unit: unit, existing: existing)
        }
        if ledger == nil { ledger = try existingLedger() }
        let identity = LedgerIndex.identity(of: kind, row.values)
        // A record with the same identifying fields (typed in, or imported before), not yet taken.
        if let entry = ledger!.exactly(unit: unit, identity: identity).first(where: { lineOfRecord[$0.id] == nil }) {
            return try store(row, id: entry.id, unit: unit, existing: try table.load(connection, id: entry.id))
        }
        let near = ledger!.nearly(unit: unit, identity: identity)
        if near.isEmpty { return try store(row, id: row.id, unit: unit, existing: nil) }
        nearlyMatched.append((row, unit, near))
    }

    /// Rows that nearly match a record no other row stood for: refused, corrections, or new,
    /// as the options say.
    mutating func finish() throws {
        for (row, unit, matches) in nearlyMatched {
            let open = matches.filter { lineOfRecord[$0.entry.id] == nil }
            guard let match = open.first else {
                try store(row, id: row.id, unit: unit, existing: nil)
                continue
            }
            let label = kind.field(named: match.field)?.label ?? match.field
            let difference = "\(label) 已有 \"\(Self.excerpt(match.standing))\", 本行 \"\(Self.excerpt(match.given))\""
            switch options.nearRows {
            case .refuse:
                problems.append(problem(row, match.field, """
                    与已有记录 \(match.entry.id) 只差\(difference); 若是改正, 加 --near update 按本行更新那条记录; \
                    若是另一条记录, 加 --near add 新增 (也可加 id 列: gongkai export \(kind.rawValue) 的文件带有每条记录的 id)
                    """))
            case .update where Set(open.map(\.entry.id)).count > 1:
                problems.append(problem(row, nil, "与已有的多条记录 (\(open.map(\.entry.id).joined(separator: ", "))) 都只差一项, 无法确定改正哪一条; 请加 id 列"))
            case .update:
                summary.nearRows.append(ImportNote(line: row.line, id: match.entry.id, detail: "按本行改正: \(difference)"))
                try store(row, id: match.entry.id, unit: unit, existing: try table.load(connection, id: match.entry.id))
            case .add:
                summary.nearRows.append(ImportNote(line: row.line, id: row.id, detail: "另立新记录, 与 \(match.entry.id) 只差\(difference)"))
                try store(row, id: row.id, unit: unit, existing: nil)
            }
        }
        nearlyMatched = []
    }

    private mutating func store(_ row: ImportRow, id: String, unit: String, existing: StoredRecord?) throws {
        if let earlier = lineOfRecord[id] {
            problems.append(problem(row, "id", "与第 \(earlier) 行是同一条记录 (\(id)); 同一文件中每条记录只能出现一次"))
            return
        }
        lineOfRecord[id] = row.line
        var values = row.values
        if let existing {
            if existing.isDeleted && !options.restoreDeleted {
                summary.leftDeleted.append(ImportNote(line: row.line, id: id, detail: "这条记录已删除, 未导入; 要恢复请加 --restore-deleted"))
                return
            }
            // An empty cell leaves a filled field as it is: an older ledger undoes no later work.
            for (field, value) in row.values where value == nil {
                guard let standing = existing.values[field], !standing.isEmpty else { continue }
                values.removeValue(forKey: field)
                let label = kind.field(named: field)?.label ?? field
                summary.keptValues.append(ImportNote(line: row.line, id: id, detail: "\(label) 为空, 保留已有的 \"\(Self.excerpt(standing))\""))
            }
        }
        switch try writer.save(id: id, unit: unit, values: values, existing: existing, restoring: options.restoreDeleted) {
        case .invalid(let fieldProblems): problems += fieldProblems.map { problem(row, $0.field, $0.message) }
        case .created: summary.created += 1
        case .updated(let fields):
            summary.updated += 1
            for field in fields {
                guard let old = existing?.values[field], !old.isEmpty else { continue }
                let spec = kind.field(named: field)
                let shown = { (value: String) in Self.excerpt(spec?.choice?.label(forKey: value) ?? value) }
                let new = (values[field] ?? nil) ?? ""
                summary.changedValues.append(ImportNote(line: row.line, id: id, detail: "\(spec?.label ?? field) \"\(shown(old))\" → \"\(shown(new))\""))
                // A value written here after the ledger was saved is newer than the ledger's.
                if !options.overwrite, let saved = options.ledgerSavedAt, let written = existing?.version.fields[field]?.standing(in: field).writtenAt,
                   written > saved {
                    problems.append(problem(row, field, "\(id) 的\(spec?.label ?? field)在本工具里于 \(ChinaTime.day(written)) 改为 \"\(shown(old))\", "
                                            + "比这份台账 (保存于 \(ChinaTime.day(saved))) 新; 导入会把它改回 \"\(shown(new))\"。若台账才是对的, 加 --overwrite 再导入"))
                }
            }
        case .restored: summary.restored += 1
        case .unchanged: summary.unchanged += 1
        }
    }

    private func existingLedger() throws -> LedgerIndex {
        var index = LedgerIndex(kind: kind)
        for record in try table.list(connection, includeDeleted: true) {
            index.add(id: record.id, unit: record.unit, isDeleted: record.isDeleted, values: record.values)
        }
        return index
    }

    static func excerpt(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(40)) + "…"
    }
}
