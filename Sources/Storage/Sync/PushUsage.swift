import Foundation
import RecordRules
import SyncCore

/// What each token and unit pushed today, against its limit (`PushQuota`), on SQLite.
enum PushUsage {
    /// Charges a merged push to its token and unit; a limit it would pass refuses it (the
    /// caller's transaction, which merged it, then leaves nothing).
    static func charge(_ connection: Connection, peer: SyncPeer, adding: PushQuota, now: Int64) throws {
        try PushQuota.charge(adding, to: peer, now: now, limit: { holder in
            try connection.rows("SELECT records_per_day, bytes_per_day FROM push_quotas WHERE holder = ?", [.text(holder)]).first
                .map { PushQuota(records: try $0.int("records_per_day"), bytes: try $0.int("bytes_per_day")) }
        }, add: { day, holder, adding in
            let row = try connection.row("""
                INSERT INTO push_usage (day, holder, records, bytes) VALUES (?1, ?2, ?3, ?4)
                ON CONFLICT (day, holder) DO UPDATE SET records = records + ?3, bytes = bytes + ?4 RETURNING records, bytes
                """, [.text(day), .text(holder), .integer(Int64(adding.records)), .integer(Int64(adding.bytes))])
            return PushQuota(records: try row.int("records"), bytes: try row.int("bytes"))
        })
        try connection.run("DELETE FROM push_usage WHERE day < ?", [.text(PushQuota.oldestKept(now: now))])
    }
}

extension DeviceStore {
    /// Sets (or, with nil, clears back to the default) the daily limit of `holder` (`token:HASH`
    /// or `unit:CODE`).
    public func setPushQuota(_ quota: PushQuota?, holder: String) throws(ReplicaError) {
        try database.withConnection { connection in
            if let quota {
                try connection.run("INSERT OR REPLACE INTO push_quotas (holder, records_per_day, bytes_per_day) VALUES (?, ?, ?)",
                                   [.text(holder), .integer(Int64(quota.records)), .integer(Int64(quota.bytes))])
            } else {
                try connection.run("DELETE FROM push_quotas WHERE holder = ?", [.text(holder)])
            }
        }
    }

    /// What `holder` pushed on `day`, and its limit if one was set.
    public func pushUsage(holder: String, day: String) throws(ReplicaError) -> (used: PushQuota, limit: PushQuota?) {
        try database.withConnection { connection in
            let used = try connection.rows("SELECT records, bytes FROM push_usage WHERE day = ? AND holder = ?", [.text(day), .text(holder)]).first
                .map { row throws(SQLiteError) in PushQuota(records: try row.int("records"), bytes: try row.int("bytes")) } ?? PushQuota(records: 0, bytes: 0)
            let limit = try connection.rows("SELECT records_per_day, bytes_per_day FROM push_quotas WHERE holder = ?", [.text(holder)]).first
                .map { row throws(SQLiteError) in PushQuota(records: try row.int("records_per_day"), bytes: try row.int("bytes_per_day")) }
            return (used, limit)
        }
    }

    /// The hash of the token whose id (`admin list-tokens`) is `id`.
    public func tokenHash(id: String) throws(ReplicaError) -> String {
        let hashes = try database.withConnection { connection in
            try connection.rows("SELECT hash FROM device_tokens WHERE substr(hash, 1, ?) = ?", [.integer(Int64(id.utf8.count)), .text(id.lowercased())])
                .map { row throws(SQLiteError) in try row.text("hash") }
        }
        guard id.utf8.count >= 6, hashes.count == 1 else {
            throw hashes.isEmpty || id.utf8.count < 6 ? ReplicaError.unknownToken : ReplicaError.ambiguousTokenID(id)
        }
        return hashes[0]
    }
}
