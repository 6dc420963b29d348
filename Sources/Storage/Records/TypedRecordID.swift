import Records

/// A hand-typed id (`--id 2021-001`, an import's id or 编号 cell) as the record id it stands for
/// in a unit. Typed ids are scoped by unit (`640522100201:2021-001`) so that two villages'
/// ledgers numbered alike never collide on the server; a record stored under the id exactly as
/// typed (a generated id, or one typed before ids were scoped) keeps it.
enum TypedRecordID {
    enum Resolution {
        case record(id: String, existing: StoredRecord?)
        case problem(String)
    }

    static func resolve(_ typed: String, unit: String, table: RecordTable, connection: Connection) throws -> Resolution {
        if let existing = try table.load(connection, id: typed) {
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

extension Replica {
    /// The stored id a typed reference names: itself when a record has it, else the id scoped
    /// to this replica's unit (`2021-001` → `640522100201:2021-001`), else on a township replica
    /// the one village record so scoped. Unknown ids come back as typed, for "not found".
    public func resolvedID(_ kind: RecordKind, typed: String) throws(ReplicaError) -> String {
        try withConnection { connection in
            let table = RecordTable(kind)
            if try table.load(connection, id: typed) != nil || RecordID.isGenerated(typed) || RecordID.scopeUnit(of: typed) != nil {
                return typed
            }
            let unit = try connection.scalar("SELECT unit FROM replica").text ?? ""
            if case .id(let scoped) = RecordID.scoped(typed, unit: unit), try table.load(connection, id: scoped) != nil { return scoped }
            let suffix = ":" + typed
            let matches = try connection.rows("SELECT id FROM \(table.name) WHERE substr(id, -?) = ? LIMIT 2",
                                              [.integer(Int64(suffix.utf8.count)), .text(suffix)]).compactMap { $0[0].text }
            guard matches.count == 2 else { return matches.first ?? typed }
            throw ReplicaError.ambiguousID(kind: kind, typed: typed)
        }
    }
}
