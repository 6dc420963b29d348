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
        try access(forHash: DeviceToken.hash(of: token))
    }

    /// What the token of this hash allows.
    func access(forHash hash: String) throws -> TokenCheck {
        try pool.withSession { session in
            let rows = try session.rows("""
            SELECT t.revoked_at, t.relay, u.code, u.name, u.parent, u.is_township,
                   EXISTS (SELECT 1 FROM units c WHERE c.parent = u.code) AS has_children,
                   EXISTS (SELECT 1 FROM units p WHERE p.code = u.parent) AS has_parent
            FROM device_tokens t JOIN units u ON u.code = t.unit WHERE t.hash = $1
            """, [.text(hash)])
            guard let row = rows.first else { return .unknown }
            if try row.optionalInteger("revoked_at") != nil { return .revoked }
            let unit = try PostgresServerStore.unit(row)
            // A village (no unit below it, one above): the tree around it is all the rule needs,
            // and a request of a county's hundreds of villages reads no other unit.
            let tree = try row.flag("has_parent") && !row.flag("has_children")
                ? UnitTree([(unit.code, unit.parent), (unit.parent!, nil)]) : try PostgresServerStore.tree(session)
            return .valid(DeviceAccess(unit: PostgresServerStore.info(unit), scope: .of(unit: unit.code, in: tree), device: hash,
                                       relays: try row.flag("relay")))
        }
    }

    /// The token a bundle file names (`DeviceToken.bundleName(ofHash:)`): its hash, its bundle key
    /// as sealed, and what it allows; nil when this store never issued it.
    public func bundleToken(named name: String) throws -> BundleToken? {
        let tokens = try pool.withSession { session in
            try session.rows("SELECT hash, bundle_key FROM device_tokens").map { (hash: try $0.text("hash"), sealed: try $0.optionalText("bundle_key")) }
        }
        guard let token = tokens.first(where: { DeviceToken.bundleName(ofHash: $0.hash) == name }) else { return nil }
        return BundleToken(hash: token.hash, sealedKey: token.sealed, access: try access(forHash: token.hash))
    }

    /// The store's own site, as a reply it writes names it.
    public func siteInfo() throws -> SiteInfo {
        try pool.withSession { session in
            let row = try session.row("SELECT site, device_name, unit FROM store_identity")
            guard let site = SiteID(try row.text("site")) else { throw PostgresStoreError.corrupt("站点 id 无效") }
            return SiteInfo(site: site, deviceName: try row.text("device_name"), unit: try row.text("unit"))
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

    public func adoptRelayed(sites: [SiteInfo], units: [UnitInfo], as peer: SyncPeer, now: Int64) throws -> SyncPeer {
        guard peer.relays, !sites.isEmpty || !units.isEmpty else { return peer }
        func adoption(_ session: PostgresSession) throws -> (units: [UnitInfo], sites: [SiteInfo], scope: SyncScope) {
            let adopted = RelayAdoption.units(units, held: try PostgresServerStore.tree(session).codes, scope: peer.scope)
            let codes = adopted.map(\.code)
            let scope = adopted.isEmpty || peer.scope.writable == nil ? peer.scope
                : SyncScope(readable: peer.scope.readable.map { $0.union(codes) }, writable: peer.scope.writable!.union(codes))
            let offered = sites.map(\.site.rawValue)
            let known = Set(try session.rows("SELECT site FROM sites WHERE site = ANY($1)", [.texts(offered)]).compactMap { SiteID(try $0.text("site")) })
            let serverSite = SiteID(try session.row("SELECT site FROM store_identity").text("site")) ?? SiteID(bits: 0)
            return (adopted, RelayAdoption.sites(sites, known: known, scope: scope, serverSite: serverSite), scope)
        }
        // Decided by a read (a relay names the same units and sites push after push); written,
        // and decided again under the lock of the units table, only when something is new.
        let first = try pool.withSession { session in try adoption(session) }
        guard !first.units.isEmpty || !first.sites.isEmpty else { return SyncPeer(scope: first.scope, device: peer.device, relays: true, unit: peer.unit) }
        let scope = try pool.transaction { session in
            try session.run("LOCK TABLE units IN SHARE ROW EXCLUSIVE MODE")
            let decided = try adoption(session)
            for unit in decided.units {
                try session.run("INSERT INTO units (code, name, parent, is_township) VALUES ($1, $2, $3, false)",
                                [.text(unit.code), .text(unit.name), .text(unit.parent)])
            }
            for site in decided.sites {
                try session.run("""
                INSERT INTO sites (site, device_name, unit, counter, seen_at) VALUES ($1, $2, $3, 0, $4) ON CONFLICT (site) DO NOTHING
                """, [.text(site.site.rawValue), .text(site.deviceName), .text(site.unit), .integer(now)])
            }
            return decided.scope
        }
        return SyncPeer(scope: scope, device: peer.device, relays: true, unit: peer.unit)
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
        func page() throws -> (page: PullResponse, heldBack: Bool) {
            try pool.transaction("REPEATABLE READ", readOnly: true) { session in
                try PostgresFeed(session: session).page(after: cursor, notFrom: peer, scope: scope, limit: limit)
            }
        }
        let first = try page()
        guard first.heldBack, !first.page.more else { return first.page }
        // A running transaction held the horizon back: one of this database (its rows come with
        // a later pull), or one of another database that ended between the snapshot and the look
        // at pg_stat_activity, counted to be safe. A second page, with a snapshot of its own, is
        // no longer held back by the latter.
        return try page().page
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

    public func noteRelayedSyncs(_ syncs: [RelayedSync], as peer: SyncPeer, now: Int64) throws {
        guard peer.relays, !syncs.isEmpty else { return }
        try pool.transaction { session in
            let offered = syncs.map(\.site.site.rawValue)
            var known: [SiteID: String] = [:]
            for row in try session.rows("SELECT site, unit FROM sites WHERE site = ANY($1)", [.texts(offered)]) {
                if let site = SiteID(try row.text("site")) { known[site] = try row.text("unit") }
            }
            let serverSite = SiteID(try session.row("SELECT site FROM store_identity").text("site")) ?? SiteID(bits: 0)
            for sync in RelayAdoption.syncs(syncs, knownUnits: known, scope: peer.scope, serverSite: serverSite) {
                try session.run("""
                INSERT INTO sites AS s (site, device_name, unit, counter, seen_at, synced_at) VALUES ($1, $2, $3, 0, $4, $5)
                ON CONFLICT (site) DO UPDATE SET synced_at = greatest(coalesce(s.synced_at, 0), excluded.synced_at)
                """, [.text(sync.site.site.rawValue), .text(sync.site.deviceName), .text(sync.site.unit), .integer(now), .integer(sync.at)])
            }
        }
    }

    public func peerFinishedSync(_ sender: SiteInfo, as peer: SyncPeer, by means: SyncMeans, now: Int64) throws {
        try registerPeer(sender, as: peer, counter: nil, now: now)
        // One statement, so one transaction: the sync is counted, and refusals it did not see
        // again (the laptop renamed or fixed those records) are forgotten.
        _ = try pool.withSession { session in
            try session.run("""
            WITH finished AS (
                UPDATE sites SET \(means == .network ? "synced_at" : "bundled_at") = $1, finished_syncs = finished_syncs + 1 WHERE site = $2
                RETURNING finished_syncs - 1 AS number
            )
            DELETE FROM push_refusals WHERE site = $2 AND sync_number < (SELECT number FROM finished)
            """, [.integer(now), .text(sender.site.rawValue)])
        }
    }
}
