import CSQLite
import Foundation
import Records

/// What a backup copied.
public struct BackupSummary: Sendable, Equatable {
    public let path: String
    public let bytes: Int64
    /// Live records of each kind in the copy, by the kind's key.
    public let records: [String: Int]
}

extension Database {
    /// Copies the replica or server database at `source` to `destination` with SQLite's online
    /// backup: one consistent snapshot, taken while `serve` or another process goes on writing
    /// (in WAL mode a reader blocks no writer). The copy is checked (`integrity_check`), made a
    /// single file (no `-wal` beside it), and only then given its name; an existing file is never
    /// overwritten.
    public static func backup(from source: String, to destination: String) throws(ReplicaError) -> BackupSummary {
        guard FileManager.default.fileExists(atPath: source) else { throw .missing(path: source) }
        try checkHeader(source)
        if FileManager.default.fileExists(atPath: destination) { throw .alreadyExists(path: destination) }
        let partial = destination + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        defer { for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: partial + suffix) } }
        do {
            let from = try Connection(path: source, mode: .readOnly)
            guard try from.scalar("PRAGMA application_id").integer == Migrator.applicationID else { throw ReplicaError.notAReplica(path: source) }
            let summary: BackupSummary
            do {
                PrivateFiles.makeFolder(of: partial)
                PrivateFiles.createEmpty(partial)
                let to = try Connection(path: partial, mode: .readWriteCreate)
                guard let backup = sqlite3_backup_init(to.handle, "main", from.handle, "main") else {
                    throw SQLiteError(code: sqlite3_errcode(to.handle), message: to.lastMessage, sql: nil)
                }
                // All pages in one step: one read transaction on the source, so one snapshot.
                let stepped = sqlite3_backup_step(backup, -1)
                let finished = sqlite3_backup_finish(backup)
                guard stepped == SQLITE_DONE, finished == SQLITE_OK else {
                    throw SQLiteError(code: stepped == SQLITE_DONE ? finished : stepped, message: to.lastMessage, sql: nil)
                }
                try to.execute("PRAGMA journal_mode = DELETE")
                let check = try to.rows("PRAGMA integrity_check").map { row throws(SQLiteError) in try row.text("integrity_check") }
                guard check == ["ok"] else { throw ReplicaError.corrupt(path: destination, detail: check.prefix(3).joined(separator: "; ")) }
                var records: [String: Int] = [:]
                for kind in RecordKind.allCases {
                    records[kind.rawValue] = Int(try to.integer("SELECT count(*) FROM \(RecordTable.name(of: kind)) WHERE deleted = 0"))
                }
                summary = BackupSummary(path: destination, bytes: 0, records: records)
            }
            // Both connections are closed here: the copy is complete on disk.
            guard !FileManager.default.fileExists(atPath: destination) else { throw ReplicaError.alreadyExists(path: destination) }
            try FileManager.default.moveItem(atPath: partial, toPath: destination)
            let bytes = (try FileManager.default.attributesOfItem(atPath: destination)[.size] as? NSNumber)?.int64Value ?? 0
            return BackupSummary(path: destination, bytes: bytes, records: summary.records)
        } catch {
            throw translate(error, path: source)
        }
    }

    /// Moves everything in the `-wal` file into the database file and empties it, so that the
    /// file alone holds every committed write (`serve` does this as it stops).
    public func checkpoint() throws(ReplicaError) {
        try withConnection { connection in
            _ = try connection.rows("PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}
