import RecordRules
import Records
import SyncCore

/// The serving side of sync on PostgreSQL: the same contract as the SQLite `ServingStore`
/// (`ServingStoreContractTests` run both), for several `serve` processes on one database. No
/// state that matters lives in a process: sites, counters, cursors and tokens are all rows.
///
/// Concurrency: pushes of different units run at once; a push locks the digest rows of the
/// units it writes (in code order), which serializes pushes of one unit only. Pulls, digests and
/// token checks are reads that wait for no push.
public struct PostgresServingStore: Sendable, SyncServingStore {
    let pool: PostgresPool

    /// Pushes of different units run at once (each locks only its units' digest rows).
    public var takesConcurrentWrites: Bool { true }

    public func schemaVersion() throws -> Int { ReplicaSchema.latest }

    public func acceptedSchemaVersions() throws -> ClosedRange<Int> { ReplicaSchema.accepted(own: ReplicaSchema.latest) }

    public func servingStatus() throws -> ServingStatus {
        try pool.withSession { session in
            let row = try session.row("SELECT u.code, u.name, u.parent, u.is_township FROM store_identity i JOIN units u ON u.code = i.unit")
            return ServingStatus(unit: PostgresServerStore.info(try PostgresServerStore.unit(row)), schema: ReplicaSchema.latest)
        }
    }

    public func access(forToken token: String) throws -> TokenCheck {
        let hash = DeviceToken.hash(of: token)
        return try pool.withSession { session in
            let rows = try session.rows("""
            SELECT t.revoked_at, u.code, u.name, u.parent, u.is_township FROM device_tokens t JOIN units u ON u.code = t.unit
            WHERE t.hash = $1
            """, [.text(hash)])
            guard let row = rows.first else { return .unknown }
            if try row.optionalInteger("revoked_at") != nil { return .revoked }
            let unit = try PostgresServerStore.unit(row)
            return .valid(DeviceAccess(unit: PostgresServerStore.info(unit), scope: .of(unit: unit.code, in: try PostgresServerStore.tree(session)),
                                       device: hash))
        }
    }

    public func registerPeer(_ sender: SiteInfo, as peer: SyncPeer, counter: UInt64?, now: Int64) throws {
        // A device already known as it says is checked by a read; a new or changed site is
        // checked again and bound in one transaction, whose upsert holds to the same terms.
        guard try pool.withSession({ session in try PostgresSites.check(session, sender, as: peer, counter: counter) }) else { return }
        try pool.transaction { session in
            guard try PostgresSites.check(session, sender, as: peer, counter: counter) else { return }
            try PostgresSites.bind(session, sender, as: peer, now: now)
        }
    }

    public func knows(_ cursor: SyncCursor) throws -> Bool {
        try pool.withSession { session in try PostgresFeed.position(of: cursor, session) != nil }
    }

    public func applyPushed(_ records: [RemoteRecord], from sender: SiteInfo, as peer: SyncPeer, now: Int64) throws -> PushResponse {
        try pool.transaction { session in
            try PostgresPush(session: session, sender: sender, peer: peer, now: now).apply(records)
        }
    }

    public func changes(after cursor: SyncCursor?, for peer: SiteID, scope: SyncScope, limit: Int, now: Int64) throws -> PullResponse {
        // One snapshot for the page and the horizon it is read below.
        try pool.transaction("REPEATABLE READ", readOnly: true) { session in
            try PostgresFeed(session: session).page(after: cursor, notFrom: peer, scope: scope, limit: limit)
        }
    }

    public func digest(scope: SyncScope) throws -> String {
        try pool.withSession { session in
            // A village's device reads its unit's row, not every unit's (a county has hundreds).
            let rows = if let readable = scope.readable {
                try session.rows("SELECT unit, digest FROM unit_digests WHERE unit = ANY($1)", [.texts(readable.sorted())])
            } else {
                try session.rows("SELECT unit, digest FROM unit_digests")
            }
            let units = try rows.map { (unit: try $0.text("unit"), digest: try $0.text("digest")) }
            guard let digest = RecordDigest.ofScope(units, scope: scope) else { throw PostgresStoreError.corrupt("单位摘要不是 64 位十六进制") }
            return digest
        }
    }

    public func peerFinishedSync(_ sender: SiteInfo, as peer: SyncPeer, now: Int64) throws {
        try registerPeer(sender, as: peer, counter: nil, now: now)
        // One statement, so one transaction: the sync is counted, and refusals it did not see
        // again (the laptop renamed or fixed those records) are forgotten.
        _ = try pool.withSession { session in
            try session.run("""
            WITH finished AS (
                UPDATE sites SET synced_at = $1, finished_syncs = finished_syncs + 1 WHERE site = $2 RETURNING finished_syncs - 1 AS number
            )
            DELETE FROM push_refusals WHERE site = $2 AND sync_number < (SELECT number FROM finished)
            """, [.integer(now), .text(sender.site.rawValue)])
        }
    }
}
