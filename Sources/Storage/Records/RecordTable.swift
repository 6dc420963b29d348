import RecordRules
import Records
import SyncCore

/// The SQL of one record kind's table. Column names come from the kind's field list; every
/// value is a bound argument.
struct RecordTable: Sendable {
    let kind: RecordKind
    private let fields: [FieldSpec]
    private let selectColumns: String
    private let insertSQL: String
    private let updateSQL: String
    private let changesSQL: String
    private let pendingSQL: String
    private let changesNotFromSQL: String
    private let changesOfUnitNotFromSQL: String
    private let changesOfUnitsNotFromSQL: String
    /// Every field of a new record and the deleted-field, sorted: the field list of its clock.
    private let createdFieldNames: [String]
    private let createdClockFields: String

    /// The table of a kind, with its SQL built once.
    init(_ kind: RecordKind) { self = RecordTable.tables[kind]! }

    private static let tables: [RecordKind: RecordTable] = Dictionary(
        uniqueKeysWithValues: RecordKind.allCases.map { ($0, RecordTable(building: $0)) })

    private init(building kind: RecordKind) {
        self.kind = kind
        fields = kind.fields
        let quoted = fields.map { "\"\($0.name)\"" }
        let fieldColumns = quoted.joined(separator: ", ")
        selectColumns = "seq, id, unit, deleted, vv, clock, siblings, conflicts, digest, origin, \(fieldColumns)"
        let placeholders = Array(repeating: "?", count: 10 + fields.count).joined(separator: ", ")
        insertSQL = """
        INSERT INTO \(kind.rawValue) (seq, id, unit, from_upstream, origin, digest, deleted, conflicts, vv, clock, siblings, \(fieldColumns))
        VALUES (?, \(placeholders))
        """
        updateSQL = """
        UPDATE \(kind.rawValue) SET seq = ?, from_upstream = ?, origin = ?, digest = ?, deleted = ?, conflicts = ?, vv = ?, clock = ?, siblings = ?, \(quoted.map { "\($0) = ?" }.joined(separator: ", "))
        WHERE id = ?
        """
        // Range scans of the rowid: "changes since cursor".
        changesSQL = "SELECT \(selectColumns) FROM \(kind.rawValue) WHERE seq > ? ORDER BY seq LIMIT ?"
        pendingSQL = "SELECT \(selectColumns) FROM \(kind.rawValue) WHERE seq > ? AND from_upstream = 0 ORDER BY seq LIMIT ?"
        changesNotFromSQL = "SELECT \(selectColumns) FROM \(kind.rawValue) WHERE seq > ? AND (origin IS NULL OR origin <> ?) ORDER BY seq LIMIT ?"
        changesOfUnitNotFromSQL = """
        SELECT \(selectColumns) FROM \(kind.rawValue) WHERE seq > ? AND (origin IS NULL OR origin <> ?) AND unit = ? ORDER BY seq LIMIT ?
        """
        // A subtree (a township's relay on a county): each unit's range of the (unit, seq) index,
        // the units bound as one JSON array.
        changesOfUnitsNotFromSQL = """
        SELECT \(selectColumns) FROM \(kind.rawValue)
        WHERE seq > ? AND (origin IS NULL OR origin <> ?) AND unit IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?
        """
        createdFieldNames = (fields.map(\.name) + [deletedField]).sorted()
        createdClockFields = createdFieldNames.joined(separator: ",")
    }

    var name: String { RecordTable.name(of: kind) }

    /// The change-feed queries a sync runs over the whole table (each `seq > ? … ORDER BY seq
    /// LIMIT ?`), for the test that holds each to a range scan of the rowid.
    var changeFeedQueries: [String] { [changesSQL, pendingSQL, changesNotFromSQL] }
    /// The one a village's device pulls through, for the test that holds it to a range scan of
    /// the `(unit, seq)` index (migration 10).
    var unitFeedQuery: String { changesOfUnitNotFromSQL }
    /// The one a township's device (several units) pulls through.
    var subtreeFeedQuery: String { changesOfUnitsNotFromSQL }

    /// A kind's table, named without building its statements (status reads counts only).
    static func name(of kind: RecordKind) -> String { kind.rawValue }

    func load(_ connection: Connection, id: String) throws -> StoredRecord? {
        let statement = try connection.prepare("SELECT \(selectColumns) FROM \(name) WHERE id = ?")
        defer { statement.reset() }
        try statement.bind([.text(id)])
        guard try statement.step() else { return nil }
        return try record(from: statement, path: connection.path)
    }

    /// The first live record of `unit` whose standing values equal `values` (a field's column
    /// each; nil matches an empty field), in id order: one indexed-by-unit scan, no record list.
    func firstLive(_ connection: Connection, unit: String, matching values: [(field: String, value: String?)]) throws -> StoredRecord? {
        var conditions = ["deleted = 0", "unit = ?"]
        var arguments: [SQLiteValue] = [.text(unit)]
        for (field, value) in values {
            // Quoted (a field may be named like an SQL word: `group`), and bound as the column holds it.
            guard let spec = kind.field(named: field) else { continue }
            let bound = column(for: spec, canonical: value)
            if case .null = bound { conditions.append("\"\(field)\" IS NULL") } else { conditions.append("\"\(field)\" = ?"); arguments.append(bound) }
        }
        let statement = try connection.prepare("SELECT \(selectColumns) FROM \(name) WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT 1")
        defer { statement.reset() }
        try statement.bind(arguments)
        guard try statement.step() else { return nil }
        return try record(from: statement, path: connection.path)
    }

    /// Records in id order, optionally of one unit, optionally with deleted ones.
    func list(_ connection: Connection, unit: String? = nil, includeDeleted: Bool = false) throws -> [StoredRecord] {
        var conditions: [String] = []
        var arguments: [SQLiteValue] = []
        if !includeDeleted { conditions.append("deleted = 0") }
        if let unit { conditions.append("unit = ?"); arguments.append(.text(unit)) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let statement = try connection.prepare("SELECT \(selectColumns) FROM \(name) \(whereClause) ORDER BY id")
        defer { statement.reset() }
        try statement.bind(arguments)
        var records: [StoredRecord] = []
        while try statement.step() { records.append(try record(from: statement, path: connection.path)) }
        return records
    }

    /// Stores a new record with the next change sequence number, and accounts for its digest.
    /// `fromUpstream`: the version is exactly what the server sent (so it is not pushed back).
    /// `origin`: on a server, the site whose push this version exactly is.
    func insert(_ connection: Connection, _ session: WriteSession, id: String, unit: String, version: RecordVersion,
                fromUpstream: Bool = false, origin: String? = nil) throws {
        let compact = version.compact
        try insertRow(connection, session, id: id, unit: unit, fromUpstream: fromUpstream, origin: origin,
                      digest: RecordDigest.of(kind: kind, id: id, unit: unit, compact: compact),
                      columns: VersionColumns(version, compact: compact), fieldValues: fieldValues(version))
    }

    /// Stores a new record written by one local change (a new row of an import, a record typed
    /// in): the row `insert(version: .created(values, dot: dot, at: time))` stores, made without
    /// building the version. `values` holds every field of the kind (nil = empty). An import
    /// spends a sixth of its time building the version and its compact form otherwise.
    func insertCreated(_ connection: Connection, _ session: WriteSession, id: String, unit: String, values: [String: String?],
                       dot: Dot, at time: Int64) throws {
        precondition(values.count == fields.count, "a created record has every field of its kind")
        let vv = VersionVector([dot.site: dot.counter]).encoded
        let clock = vv + ":\(time)=" + createdClockFields
        let present = createdFieldNames.lazy.compactMap { name -> (String, String)? in
            if name == deletedField { return (name, "0") }
            return values[name]?.map { (name, $0) }
        }
        try insertRow(connection, session, id: id, unit: unit, fromUpstream: false, origin: nil,
                      digest: RecordDigest.of(kind: kind, id: id, unit: unit, vv: vv, clock: clock, sortedValues: present, siblings: []),
                      columns: VersionColumns(vv: vv, clock: clock, siblings: nil, conflicts: 0, deleted: false),
                      fieldValues: fields.map { column(for: $0, canonical: values[$0.name] ?? nil) })
    }

    /// Binds and runs `insertSQL`: the one place that knows its column order.
    private func insertRow(_ connection: Connection, _ session: WriteSession, id: String, unit: String, fromUpstream: Bool, origin: String?,
                           digest: Digest256, columns: VersionColumns, fieldValues: [SQLiteValue]) throws {
        let statement = try connection.prepare(insertSQL)
        defer { statement.reset() }
        try statement.bind([.integer(session.nextSeq()), .text(id), .text(unit), .integer(fromUpstream ? 1 : 0), origin.sqlite, .text(digest.hex)]
                           + metadata(columns) + fieldValues)
        while try statement.step() {}
        session.digestChanged(unit: unit, from: nil, to: digest)
    }

    /// Rewrites a record's values and version, moves it to the next change sequence number,
    /// and accounts for its digest.
    func update(_ connection: Connection, _ session: WriteSession, _ existing: StoredRecord, version: RecordVersion,
                fromUpstream: Bool = false, origin: String? = nil) throws {
        let statement = try connection.prepare(updateSQL)
        defer { statement.reset() }
        let compact = version.compact
        let digest = RecordDigest.of(kind: kind, id: existing.id, unit: existing.unit, compact: compact)
        try statement.bind([.integer(session.nextSeq()), .integer(fromUpstream ? 1 : 0), origin.sqlite, .text(digest.hex)]
                           + metadata(VersionColumns(version, compact: compact)) + fieldValues(version) + [.text(existing.id)])
        while try statement.step() {}
        session.digestChanged(unit: existing.unit, from: existing.digest ?? RecordDigest.of(kind: kind, id: existing.id, unit: existing.unit, version: existing.version), to: digest)
    }

    /// Records changed after `seq`, in change order, at most `limit`, stopping also once the
    /// records read weigh `byteBudget` (at least one is read); with `pendingOnly`, only those
    /// whose version did not come verbatim from the server; with `notFrom`, none whose version is
    /// exactly what that site pushed (passed over in SQL, never decoded). `truncated` when rows
    /// may remain after the last one returned.
    func changes(_ connection: Connection, after seq: Int64, pendingOnly: Bool, notFrom origin: String? = nil, ofUnits units: Set<String>? = nil,
                 limit: Int, byteBudget: Int) throws -> (records: [StoredRecord], truncated: Bool) {
        precondition(origin == nil || !pendingOnly, "a server's changes are not pending")
        precondition(units == nil || origin != nil, "only a server's changes are read by unit")
        let statement: Statement
        switch (origin, units) {
        case (let origin?, let units?) where units.count == 1:
            statement = try connection.prepare(changesOfUnitNotFromSQL)
            try statement.bind([.integer(seq), .text(origin), .text(units.first!), .integer(Int64(limit))])
        case (let origin?, let units?):
            statement = try connection.prepare(changesOfUnitsNotFromSQL)
            try statement.bind([.integer(seq), .text(origin), .jsonArray(units), .integer(Int64(limit))])
        case (let origin?, nil):
            statement = try connection.prepare(changesNotFromSQL)
            try statement.bind([.integer(seq), .text(origin), .integer(Int64(limit))])
        default:
            statement = try connection.prepare(pendingOnly ? pendingSQL : changesSQL)
            try statement.bind([.integer(seq), .integer(Int64(limit))])
        }
        defer { statement.reset() }
        var records: [StoredRecord] = []
        var bytes = 0
        while try statement.step() {
            let record = try record(from: statement, path: connection.path)
            records.append(record)
            bytes += record.approximateWireBytes
            if bytes >= byteBudget { return (records, true) }
        }
        return (records, records.count == limit)
    }

    /// Records with open conflicts (a scan of the partial index).
    func conflicted(_ connection: Connection) throws -> [StoredRecord] {
        let statement = try connection.prepare("SELECT \(selectColumns) FROM \(name) WHERE conflicts > 0 ORDER BY id")
        defer { statement.reset() }
        var records: [StoredRecord] = []
        while try statement.step() { records.append(try record(from: statement, path: connection.path)) }
        return records
    }

    /// Marks a record's version as the server's own (it need not be pushed).
    func markFromUpstream(_ connection: Connection, id: String) throws {
        try connection.run("UPDATE \(name) SET from_upstream = 1 WHERE id = ?", [.text(id)])
    }

    /// The highest change sequence number in the table (0 when empty): a seek, not a scan.
    func lastSeq(_ connection: Connection) throws -> Int64 {
        try connection.integer("SELECT coalesce(max(seq), 0) FROM \(name)")
    }

    func conflictedFieldCount(_ connection: Connection) throws -> Int {
        Int(try connection.integer("SELECT coalesce(sum(conflicts), 0) FROM \(name) WHERE conflicts > 0"))
    }

    private func metadata(_ columns: VersionColumns) -> [SQLiteValue] {
        [.integer(columns.deleted ? 1 : 0), .integer(Int64(columns.conflicts)), .text(columns.vv), .text(columns.clock), columns.siblings.sqlite]
    }

    private func fieldValues(_ version: RecordVersion) -> [SQLiteValue] {
        fields.map { column(for: $0, canonical: version.value($0.name)) }
    }

    private func record(from statement: Statement, path: String) throws -> StoredRecord {
        // The columns by name, found once per prepared statement.
        let layout: RecordLayout
        if let cached = statement.recordLayout { layout = cached } else {
            layout = try RecordLayout(statement.columns, fields: fields)
            statement.recordLayout = layout
        }
        var values: [String: String] = [:]
        for (field, column) in zip(fields, layout.fields) where !statement.isNull(at: column) {
            values[field.name] = canonical(for: field, statement: statement, column: column)
        }
        guard let id = statement.text(at: layout.id), let unit = statement.text(at: layout.unit),
              let vv = statement.text(at: layout.vv), let clock = statement.text(at: layout.clock) else {
            throw ReplicaError.corrupt(path: path, detail: "\(kind.rawValue) 的一行缺少 id、单位或版本")
        }
        let columns = VersionColumns(vv: vv, clock: clock, siblings: statement.text(at: layout.siblings),
                                     conflicts: Int(statement.integer(at: layout.conflicts)), deleted: statement.integer(at: layout.deleted) != 0)
        guard let version = columns.version(values: values) else {
            throw ReplicaError.corrupt(path: path, detail: "\(kind.rawValue) \(id) 的版本信息无法解析")
        }
        return StoredRecord(kind: kind, id: id, unit: unit, seq: statement.integer(at: layout.seq),
                            values: values, version: version, digest: statement.text(at: layout.digest).flatMap(Digest256.init(hex:)),
                            origin: statement.text(at: layout.origin))
    }

    /// Canonical text → column: money as whole fen, counts and years as integers, the rest as text.
    func column(for field: FieldSpec, canonical: String?) -> SQLiteValue {
        guard let canonical else { return .null }
        switch field.type {
        case .money:
            if case .success(let amount) = Yuan.parse(canonical) { return .integer(amount.fen) }
            return .null
        case .count, .year:
            return Int64(canonical).map(SQLiteValue.integer) ?? .null
        default:
            return .text(canonical)
        }
    }

    private func canonical(for field: FieldSpec, statement: Statement, column: Int) -> String? {
        switch field.type {
        case .money: Yuan(fen: statement.integer(at: column)).description
        case .count, .year: String(statement.integer(at: column))
        default: statement.text(at: column)
        }
    }
}

/// Where a record's columns are in a query's rows, found by name.
struct RecordLayout {
    let seq, id, unit, deleted, vv, clock, siblings, conflicts, digest, origin: Int
    /// The kind's fields, in the kind's order.
    let fields: [Int]

    init(_ columns: Columns, fields specs: [FieldSpec]) throws(SQLiteError) {
        (seq, id, unit, deleted) = (try columns.index(of: "seq"), try columns.index(of: "id"), try columns.index(of: "unit"), try columns.index(of: "deleted"))
        (vv, clock, siblings) = (try columns.index(of: "vv"), try columns.index(of: "clock"), try columns.index(of: "siblings"))
        (conflicts, digest, origin) = (try columns.index(of: "conflicts"), try columns.index(of: "digest"), try columns.index(of: "origin"))
        var fields: [Int] = []
        for spec in specs { fields.append(try columns.index(of: spec.name)) }
        self.fields = fields
    }
}
