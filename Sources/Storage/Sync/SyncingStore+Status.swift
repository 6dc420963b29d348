import Records
import SyncCore

/// What `gongkai status` shows.
public struct ReplicaStatus: Sendable, Equatable {
    public let identity: ReplicaIdentity
    /// Live records per kind.
    public let records: [RecordKind: Int]
    /// Deleted records (tombstones) per kind.
    public let deleted: [RecordKind: Int]
    /// Record changes this replica holds that no server has acknowledged.
    public let pendingChanges: Int
    /// Fields holding concurrent differing values, over all records.
    public let openConflicts: Int
    /// Unix seconds of the last successful sync, nil when never synced.
    public let lastSync: Int64?
    /// Whether that sync ended with the server's digest equal to this replica's.
    public let lastSyncConverged: Bool?
    /// Unix seconds of the last bundle reply taken (sync by a file on a stick), and whether both
    /// sides then agreed.
    public let lastBundle: Int64?
    public let lastBundleConverged: Bool?
    /// Records the server refused, and why.
    public let rejections: [Rejection]
    /// The server `gongkai sync` uses when none is named.
    public let serverURL: String?
    public let schemaVersion: Int
}

/// A record the server would not take.
public struct Rejection: Sendable, Equatable {
    public let kind: String
    public let id: String
    public let reason: String
    public let refusedAt: Int64
}

extension SyncingStore {
    /// For each kind in `RecordKind.allCases` order: records, live records, fields in conflict,
    /// and changes made here after the push cursor (`?`).
    private static let statusCountsSQL = RecordKind.allCases.enumerated().map { index, kind in
        "SELECT \(index) AS kind_index, count(*) AS records, coalesce(sum(deleted = 0), 0) AS live, coalesce(sum(conflicts), 0) AS conflicts, "
            + "coalesce(sum(seq > ? AND from_upstream = 0), 0) AS pending FROM \(RecordTable.name(of: kind))"
    }.joined(separator: " UNION ALL ") + " ORDER BY 1"

    public func status() throws(ReplicaError) -> ReplicaStatus {
        try database.withConnection { connection in
            var live: [RecordKind: Int] = [:]
            var deleted: [RecordKind: Int] = [:]
            var conflicts = 0
            var pending = 0
            let sync = try connection.row("SELECT push_seq, last_sync, last_converged, last_bundle, last_bundle_converged, server_url FROM sync_state")
            let rejections = try connection.rows("SELECT kind, id, reason, refused_at FROM rejections ORDER BY kind, id").map { row throws(SQLiteError) in
                Rejection(kind: try row.text("kind"), id: try row.text("id"), reason: try row.text("reason"), refusedAt: try row.integer("refused_at"))
            }
            let pushedThrough = try sync.integer("push_seq")
            // One statement for every kind, not one query each: `status` runs at the start of every
            // script (its start-up time is a row of docs/PERFORMANCE.md).
            let counts = try connection.rows(Self.statusCountsSQL, Array(repeating: .integer(pushedThrough), count: RecordKind.allCases.count))
            for (kind, row) in zip(RecordKind.allCases, counts) {
                live[kind] = try row.int("live")
                deleted[kind] = try row.int("records") - live[kind]!
                conflicts += try row.int("conflicts")
                pending += try row.int("pending")
            }
            return ReplicaStatus(identity: try UnitStore.identity(connection), records: live, deleted: deleted,
                                 pendingChanges: pending, openConflicts: conflicts, lastSync: try sync.optionalInteger("last_sync"),
                                 lastSyncConverged: try sync.optionalInteger("last_converged").map { $0 == 1 },
                                 lastBundle: try sync.optionalInteger("last_bundle"),
                                 lastBundleConverged: try sync.optionalInteger("last_bundle_converged").map { $0 == 1 }, rejections: rejections,
                                 serverURL: try sync.optionalText("server_url"),
                                 schemaVersion: try Migrator.schemaVersion(connection))
        }
    }
}
