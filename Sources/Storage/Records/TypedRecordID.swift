import Records

/// A hand-typed id (`--id 2021-001`, an import's id or 编号 cell) as the record id it stands for
/// in a unit. Typed ids are scoped by unit (`640522100201:2021-001`) so that two villages'
/// ledgers numbered alike never collide on the server; a record stored under the id exactly as
/// typed (a generated id, or one typed before ids were scoped) keeps it.
enum TypedRecordID {
    /// Whether `table` holds an id that is neither generated nor scoped: one typed by hand
    /// before ids were scoped by unit.
    static func unscopedIDsExist(in table: RecordTable, connection: Connection) throws -> Bool {
        try !connection.rows("""
            SELECT 1 FROM \(table.name) WHERE instr(id, ':') = 0
              AND NOT (length(id) = 20 AND substr(id, 4, 1) = '-' AND substr(id, 1, 3) NOT GLOB '*[^a-z]*' AND substr(id, 5) NOT GLOB '*[^0-9a-f]*')
            LIMIT 1
            """).isEmpty
    }

    enum Resolution {
        case record(id: String, existing: StoredRecord?)
        case problem(String)
    }

    /// `unscopedIDsExist: false` says the table holds no id typed before ids were scoped, so a
    /// typed id need not be looked up as typed (an import of many rows saves a lookup a row).
    static func resolve(_ typed: String, unit: String, table: RecordTable, connection: Connection,
                        unscopedIDsExist: Bool = true) throws -> Resolution {
        let storedAsTyped = unscopedIDsExist || RecordID.isGenerated(typed) || RecordID.scopeUnit(of: typed) != nil
        if storedAsTyped, let existing = try table.load(connection, id: typed) {
            if existing.unit == unit { return .record(id: typed, existing: existing) }
            // A generated or scoped id is one record's: another unit's is not this row's to take.
            if RecordID.isGenerated(typed) || RecordID.scopeUnit(of: typed) != nil {
                return .problem(ReplicaError.idBelongsToOtherUnit(kind: table.kind, id: typed, unit: existing.unit).description)
            }
        }
        switch RecordID.scoped(typed, unit: unit) {
        case .problem(let problem): return .problem(problem)
        case .id(let id) where id == typed: return .record(id: id, existing: nil)
        case .id(let id):
            let existing = try table.load(connection, id: id)
            if let existing, existing.unit != unit {
                return .problem(ReplicaError.idBelongsToOtherUnit(kind: table.kind, id: id, unit: existing.unit).description)
            }
            return .record(id: id, existing: existing)
        }
    }
}

extension RecordStore {
    /// The stored id a typed reference names: itself when a record has it, else the id scoped
    /// to this replica's unit (`2021-001` → `640522100201:2021-001`), else on a township replica
    /// the one village record so scoped. Unknown ids come back as typed, for "not found".
    public func resolvedID(_ kind: RecordKind, typed: String) throws(ReplicaError) -> String {
        try database.withConnection { connection in
            let table = RecordTable(kind)
            if try table.load(connection, id: typed) != nil || RecordID.isGenerated(typed) || RecordID.scopeUnit(of: typed) != nil {
                return typed
            }
            let unit = try connection.row("SELECT unit FROM replica").text("unit")
            if case .id(let scoped) = RecordID.scoped(typed, unit: unit), try table.load(connection, id: scoped) != nil { return scoped }
            let suffix = ":" + typed
            let matches = try connection.rows("SELECT id FROM \(table.name) WHERE substr(id, -?) = ? LIMIT 2",
                                              [.integer(Int64(suffix.utf8.count)), .text(suffix)]).map { row throws(SQLiteError) in try row.text("id") }
            guard matches.count == 2 else { return matches.first ?? typed }
            throw ReplicaError.ambiguousID(kind: kind, typed: typed)
        }
    }
}
