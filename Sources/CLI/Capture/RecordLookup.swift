import Records
import Storage

/// A record named on the command line: its id as typed (`2021-001` finds this unit's
/// `640522100201:2021-001`), found, and alive unless a deleted one is wanted.
enum RecordLookup {
    static func live(_ replica: Replica, _ kind: RecordKind, typed: String) throws -> StoredRecord {
        let record = try any(replica, kind, typed: typed)
        if record.isDeleted { throw ReplicaError.deleted(kind: kind, id: record.id) }
        return record
    }

    static func any(_ replica: Replica, _ kind: RecordKind, typed: String) throws -> StoredRecord {
        let id = try replica.records.resolvedID(kind, typed: typed)
        guard let record = try replica.records.record(kind, id: id) else { throw ReplicaError.notFound(kind: kind, id: typed) }
        return record
    }
}
