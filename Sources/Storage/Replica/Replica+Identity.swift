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

extension Replica {
    public func identity() throws(ReplicaError) -> ReplicaIdentity {
        try withConnection { connection in try Replica.identity(connection) }
    }

    static func identity(_ connection: Connection) throws -> ReplicaIdentity {
        let rows = try connection.rows("""
        SELECT r.site, r.device_name, r.created_at, u.code, u.name, u.parent, u.is_township
        FROM replica r JOIN units u ON u.code = r.unit
        """)
        guard let row = rows.first else { throw ReplicaError.corrupt(path: connection.path, detail: "缺少副本身份信息") }
        let unit = GovernmentUnit(code: row[3].text ?? "", name: row[4].text ?? "", parent: row[5].text, isTownship: row[6].integer == 1)
        return ReplicaIdentity(site: row[0].text ?? "", unit: unit, deviceName: row[1].text ?? "", createdAt: row[2].integer ?? 0)
    }

    /// Every unit this replica knows: itself first, then its villages by code.
    public func units() throws(ReplicaError) -> [GovernmentUnit] {
        try withConnection { connection in
            let own = try Replica.identity(connection).unit
            let rows = try connection.rows("SELECT code, name, parent, is_township FROM units WHERE code <> ? ORDER BY code", [.text(own.code)])
            return [own] + rows.map { GovernmentUnit(code: $0[0].text ?? "", name: $0[1].text ?? "", parent: $0[2].text, isTownship: $0[3].integer == 1) }
        }
    }

    /// Registers a village of this township, so that this replica may hold its records.
    public func addVillage(code: String, name: String) throws(ReplicaError) -> GovernmentUnit {
        try withConnection { connection in
            let own = try Replica.identity(connection).unit
            guard own.isTownship else { throw ReplicaError.notATownship(unit: own.code) }
            let village = GovernmentUnit(code: code, name: name.trimmingSpaces(), parent: own.code)
            if let problem = village.problem { throw ReplicaError.invalidUnit(problem) }
            return try connection.transaction {
                guard try connection.rows("SELECT 1 FROM units WHERE code = ?", [.text(code)]).isEmpty else {
                    throw ReplicaError.unitExists(code: code)
                }
                try connection.run("INSERT INTO units (code, name, parent, is_township) VALUES (?, ?, ?, 0)",
                                   [.text(village.code), .text(village.name), .text(own.code)])
                return village
            }
        }
    }

    /// For each kind in `RecordKind.allCases` order: records, live records, fields in conflict,
    /// and changes made here after the push cursor (`?`).
    private static let statusCountsSQL = RecordKind.allCases.enumerated().map { index, kind in
        "SELECT \(index), count(*), coalesce(sum(deleted = 0), 0), coalesce(sum(conflicts), 0), coalesce(sum(seq > ? AND from_upstream = 0), 0) FROM \(RecordTable.name(of: kind))"
    }.joined(separator: " UNION ALL ") + " ORDER BY 1"

    public func status() throws(ReplicaError) -> ReplicaStatus {
        try withConnection { connection in
            var live: [RecordKind: Int] = [:]
            var deleted: [RecordKind: Int] = [:]
            var conflicts = 0
            var pending = 0
            let sync = try connection.rows("SELECT push_seq, last_sync, last_converged, server_url FROM sync_state")[0]
            let rejections = try connection.rows("SELECT kind, id, reason, refused_at FROM rejections ORDER BY kind, id").map {
                Rejection(kind: $0[0].text ?? "", id: $0[1].text ?? "", reason: $0[2].text ?? "", refusedAt: $0[3].integer ?? 0)
            }
            let pushedThrough = sync[0].integer ?? 0
            // One statement for every kind: `status` runs at every start of a script, and preparing
            // 36 small queries was a third of its time.
            let counts = try connection.rows(Self.statusCountsSQL, Array(repeating: .integer(pushedThrough), count: RecordKind.allCases.count))
            for (kind, row) in zip(RecordKind.allCases, counts) {
                let all = Int(row[1].integer ?? 0)
                live[kind] = Int(row[2].integer ?? 0)
                deleted[kind] = all - live[kind]!
                conflicts += Int(row[3].integer ?? 0)
                pending += Int(row[4].integer ?? 0)
            }
            return ReplicaStatus(identity: try Replica.identity(connection), records: live, deleted: deleted,
                                 pendingChanges: pending, openConflicts: conflicts, lastSync: sync[1].integer,
                                 lastSyncConverged: sync[2].integer.map { $0 == 1 }, rejections: rejections, serverURL: sync[3].text,
                                 schemaVersion: try Migrator.schemaVersion(connection))
        }
    }
}
