import RecordRules
import SyncCore

/// What each token and unit pushed today, against its limit (`PushQuota`), on PostgreSQL.
enum PostgresPushUsage {
    /// Charges a push to its token and unit in the push's transaction (the usage rows locked as
    /// they are written, so that two pushes of one unit at once are counted one after the other).
    static func charge(_ session: PostgresSession, peer: SyncPeer, adding: PushQuota, now: Int64) throws {
        try PushQuota.charge(adding, to: peer, now: now, limit: { holder in
            try session.rows("SELECT records_per_day, bytes_per_day FROM push_quotas WHERE holder = $1", [.text(holder)]).first
                .map { PushQuota(records: Int(try $0.integer("records_per_day")), bytes: Int(try $0.integer("bytes_per_day"))) }
        }, add: { day, holder, adding in
            let row = try session.row("""
                INSERT INTO push_usage (day, holder, records, bytes) VALUES ($1, $2, $3, $4)
                ON CONFLICT (day, holder) DO UPDATE SET records = push_usage.records + excluded.records, bytes = push_usage.bytes + excluded.bytes
                RETURNING records, bytes
                """, [.text(day), .text(holder), .integer(Int64(adding.records)), .integer(Int64(adding.bytes))])
            return PushQuota(records: Int(try row.integer("records")), bytes: Int(try row.integer("bytes")))
        })
        try session.run("DELETE FROM push_usage WHERE day < $1", [.text(PushQuota.oldestKept(now: now))])
    }
}

extension PostgresServerStore {
    public func setPushQuota(_ quota: PushQuota?, holder: String) throws {
        try pool.withSession { session -> Void in
            if let quota {
                try session.run("""
                    INSERT INTO push_quotas (holder, records_per_day, bytes_per_day) VALUES ($1, $2, $3)
                    ON CONFLICT (holder) DO UPDATE SET records_per_day = excluded.records_per_day, bytes_per_day = excluded.bytes_per_day
                    """, [.text(holder), .integer(Int64(quota.records)), .integer(Int64(quota.bytes))])
            } else {
                try session.run("DELETE FROM push_quotas WHERE holder = $1", [.text(holder)])
            }
        }
    }

    public func pushUsage(holder: String, day: String) throws -> (used: PushQuota, limit: PushQuota?) {
        try pool.withSession { session in
            let used = try session.rows("SELECT records, bytes FROM push_usage WHERE day = $1 AND holder = $2", [.text(day), .text(holder)]).first
                .map { PushQuota(records: Int(try $0.integer("records")), bytes: Int(try $0.integer("bytes"))) } ?? PushQuota(records: 0, bytes: 0)
            let limit = try session.rows("SELECT records_per_day, bytes_per_day FROM push_quotas WHERE holder = $1", [.text(holder)]).first
                .map { PushQuota(records: Int(try $0.integer("records_per_day")), bytes: Int(try $0.integer("bytes_per_day"))) }
            return (used, limit)
        }
    }

    /// The hash of the token whose id (`admin list-tokens`) is `id`.
    public func tokenHash(id: String) throws -> String {
        let hashes = try pool.withSession { session in
            try session.rows("SELECT hash FROM device_tokens WHERE left(hash, $1::integer) = $2",
                             [.integer(Int64(id.utf8.count)), .text(id.lowercased())]).map { try $0.text("hash") }
        }
        guard id.utf8.count >= 6, hashes.count == 1 else {
            throw hashes.isEmpty || id.utf8.count < 6 ? PostgresStoreError.unknownToken : PostgresStoreError.ambiguousTokenID(id)
        }
        return hashes[0]
    }
}
