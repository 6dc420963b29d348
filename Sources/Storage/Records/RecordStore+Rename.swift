import RecordRules
import Records
import SyncCore

/// What a rename did.
public struct RenameOutcome: Sendable, Equatable {
    public let oldID: String
    /// Nil when the old record was deleted: a refused deleted record is only removed.
    public let newID: String?
    /// The old id was refused by the server and never synced: it is gone from this replica
    /// (rather than deleted, which would be refused in turn).
    public let purgedOldID: Bool
}

extension RecordStore {
    /// Moves a record to a new id (`newTyped`, scoped like any typed id; a fresh one when nil):
    /// the way out for an id the server refused because another unit holds it. The record's
    /// standing values become a new record of this replica's writing. The old id is removed
    /// outright when the server refused it (nothing of it exists beyond this replica), and
    /// deleted — a change that syncs — when the server has it.
    public func rename<G: RandomNumberGenerator>(_ kind: RecordKind, id oldID: String, to newTyped: String?, using generator: inout G,
                                                 now: Int64) throws(ReplicaError) -> RenameOutcome {
        let fresh = RecordID.random(for: kind, using: &generator)
        return try database.write(now: now) { connection, session in
            let table = RecordTable(kind)
            guard let old = try table.load(connection, id: oldID) else { throw ReplicaError.notFound(kind: kind, id: oldID) }
            let refused = try !connection.rows("SELECT 1 FROM rejections WHERE kind = ? AND id = ?", [.text(kind.rawValue), .text(oldID)]).isEmpty
            if old.isDeleted {
                // Deleted and synced: nothing to move. Deleted and refused: only the removal is left.
                guard refused else { throw ReplicaError.deleted(kind: kind, id: oldID) }
                try RecordStore.purge(old, table: table, connection: connection, session: session)
                return RenameOutcome(oldID: oldID, newID: nil, purgedOldID: true)
            }
            let newID: String
            switch try TypedRecordID.resolve(newTyped ?? fresh, unit: old.unit, table: table, connection: connection) {
            case .problem(let problem): throw ReplicaError.invalidRecord(kind: kind, id: newTyped ?? fresh, problems: [FieldProblem(field: "id", message: problem)])
            case .record(let id, _?): throw ReplicaError.idExists(kind: kind, id: id)
            case .record(let id, nil): newID = id
            }
            var values: [String: String?] = [:]
            for field in kind.fields { values.updateValue(old.values[field.name], forKey: field.name) }
            try table.insertCreated(connection, session, id: newID, unit: old.unit, values: values, dot: session.nextDot(), at: session.now)
            if refused {
                try RecordStore.purge(old, table: table, connection: connection, session: session)
            } else {
                try RecordWriter(table: table, connection: connection, session: session).delete(old)
            }
            return RenameOutcome(oldID: oldID, newID: newID, purgedOldID: refused)
        }
    }

    /// Removes a record the server refused, and its refusal, from this replica.
    private static func purge(_ record: StoredRecord, table: RecordTable, connection: Connection, session: WriteSession) throws {
        try connection.run("DELETE FROM \(table.name) WHERE id = ?", [.text(record.id)])
        try connection.run("DELETE FROM rejections WHERE kind = ? AND id = ?", [.text(table.kind.rawValue), .text(record.id)])
        session.digestRemoved(unit: record.unit, old: record.digest ?? RecordDigest.of(kind: table.kind, id: record.id, unit: record.unit, version: record.version))
    }
}
