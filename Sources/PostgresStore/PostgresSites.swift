import RecordRules
import SyncCore

/// Which device owns which site, on PostgreSQL: `SiteClaim`'s rules over rows every `serve`
/// process shares.
enum PostgresSites {
    /// Checks that `sender` may speak as its site; true when its row must be written (`bind`).
    static func check(_ session: PostgresSession, _ sender: SiteInfo, as peer: SyncPeer, counter: UInt64?) throws -> Bool {
        // One row always: whether the site is the server's own, and the site's row if it has one.
        let row = try session.row("""
        SELECT i.site = $1 AS is_server_site, s.device_name, s.unit, s.counter, s.owner, (t.revoked_at IS NOT NULL) AS owner_revoked
        FROM store_identity i LEFT JOIN sites s ON s.site = $1 LEFT JOIN device_tokens t ON t.hash = s.owner
        """, [.text(sender.site.rawValue)])
        let held = try row.optionalText("device_name").map { deviceName in
            SiteClaim.Held(deviceName: deviceName, unit: try row.text("unit"), counter: try row.integer("counter"),
                           owner: try row.optionalText("owner"), ownerRevoked: try row.flag("owner_revoked"))
        }
        return try SiteClaim.check(sender, as: peer, counter: counter, held: held, isServerSite: try row.flag("is_server_site"))
    }

    /// Records the site as `sender` names it, owned by the peer's device. The update takes the
    /// site only on the terms `check` allowed; when another request bound it in between (the
    /// condition no longer holds), the sender is refused as `check` would now refuse it.
    static func bind(_ session: PostgresSession, _ sender: SiteInfo, as peer: SyncPeer, now: Int64) throws {
        let written = try session.run("""
        INSERT INTO sites AS s (site, device_name, unit, counter, seen_at, owner) VALUES ($1, $2, $3, 0, $4, $5)
        ON CONFLICT (site) DO UPDATE SET device_name = excluded.device_name, unit = excluded.unit, seen_at = excluded.seen_at,
            owner = coalesce(excluded.owner, s.owner)
        WHERE excluded.owner IS NULL OR s.owner = excluded.owner
            OR (s.unit = excluded.unit AND (s.owner IS NULL OR EXISTS (SELECT 1 FROM device_tokens t WHERE t.hash = s.owner AND t.revoked_at IS NOT NULL)))
        """, [.text(sender.site.rawValue), .text(sender.deviceName), .text(sender.unit), .integer(now), .text(peer.device)])
        if written == 0 { throw SyncRefused.siteTaken(site: sender.site) }
    }

    /// What the peer may push: new changes of its device's sites, up to a step beyond the
    /// highest counter the server holds.
    static func authority(_ session: PostgresSession, of peer: SyncPeer) throws -> PushAuthority {
        guard let device = peer.device else { return .trusted }
        var sites = try session.rows("SELECT site FROM sites WHERE owner = $1", [.text(device)]).map { row in
            guard let site = SiteID(try row.text("site")) else { throw PostgresStoreError.corrupt("站点 id 无效") }
            return site
        }
        if peer.relays {
            // A relay speaks for every site of its subtree (RelayAdoption), never the server's own.
            let held = try session.rows("SELECT site, unit FROM sites").compactMap { row -> (site: SiteID, unit: String)? in
                guard let site = SiteID(try row.text("site")) else { return nil }
                return (site, try row.text("unit"))
            }
            let serverSite = SiteID(try session.row("SELECT site FROM store_identity").text("site")) ?? SiteID(bits: 0)
            sites += RelayAdoption.relayedSites(held, scope: peer.scope, serverSite: serverSite)
        }
        let highest = try session.row("""
        SELECT greatest((SELECT counter FROM store_identity), (SELECT coalesce(max(counter), 0) FROM sites)) AS counter
        """).integer("counter")
        let (ceiling, overflow) = UInt64(max(0, highest)).addingReportingOverflow(SyncLimits.maximumCounterStep)
        return PushAuthority(ownSites: Set(sites), counterCeiling: overflow ? SyncLimits.maximumCounter : min(ceiling, SyncLimits.maximumCounter))
    }

    /// A site's counter is the highest change of it the server holds: raised as they are stored.
    static func raiseCounters(_ session: PostgresSession, to highest: [SiteID: UInt64]) throws {
        for (site, counter) in highest {
            guard let value = Int64(exactly: counter) else { continue }
            try session.run("UPDATE sites SET counter = greatest(counter, $1) WHERE site = $2", [.integer(value), .text(site.rawValue)])
        }
    }
}
