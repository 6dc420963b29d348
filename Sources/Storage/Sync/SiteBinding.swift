import RecordRules
import SyncCore

/// On a server: which device owns which site, and what a device may therefore push.
///
/// The first device token to name a site owns it; another token naming it is refused
/// (`SyncRefused.siteTaken`), so no device can speak as another's laptop, close its session, or
/// hide records from it. A site whose owner's token was revoked may be taken by a token of the
/// same unit (a laptop given a new token). A site the server knew before sites were bound (no
/// owner) goes to the first token of its own unit that names it. The server's own site is never
/// anyone's. A replica opened in this process (no token) is trusted as it says.
enum SiteBinding {
    /// Checks that `sender` may speak as its site and that its declared counter (when it
    /// declares one) has not gone back. True when the site's row must be written: new, newly
    /// bound, or renamed.
    static func check(_ connection: Connection, _ sender: SiteInfo, as peer: SyncPeer, counter: UInt64?) throws -> Bool {
        let site = sender.site.rawValue
        let isServerSite = try connection.row("SELECT site FROM replica").text("site") == site
        let rows = try connection.rows("""
        SELECT s.device_name, s.unit, s.counter, s.owner, t.revoked_at IS NOT NULL AS owner_revoked
        FROM sites s LEFT JOIN device_tokens t ON t.hash = s.owner WHERE s.site = ?
        """, [.text(site)])
        let held = try rows.first.map { row throws(SQLiteError) in
            SiteClaim.Held(deviceName: try row.text("device_name"), unit: try row.text("unit"), counter: try row.integer("counter"),
                           owner: try row.optionalText("owner"), ownerRevoked: try row.flag("owner_revoked"))
        }
        return try SiteClaim.check(sender, as: peer, counter: counter, held: held, isServerSite: isServerSite)
    }

    /// Records the site as `sender` names it, owned by the peer's device (when it has one).
    static func bind(_ connection: Connection, _ sender: SiteInfo, as peer: SyncPeer, now: Int64) throws {
        try connection.run("""
        INSERT INTO sites (site, device_name, unit, counter, seen_at, owner) VALUES (?, ?, ?, 0, ?, ?)
        ON CONFLICT (site) DO UPDATE SET device_name = excluded.device_name, unit = excluded.unit, seen_at = excluded.seen_at,
            owner = coalesce(excluded.owner, owner)
        """, [.text(sender.site.rawValue), .text(sender.deviceName), .text(sender.unit), .integer(now), peer.device.sqlite])
    }

    /// What the peer may push: new changes of the sites its device owns, up to a step beyond
    /// the highest counter the server holds (`serverCounter`, its Lamport clock).
    static func authority(_ connection: Connection, of peer: SyncPeer, serverCounter: UInt64) throws -> PushAuthority {
        guard let device = peer.device else { return .trusted }
        var sites = try connection.rows("SELECT site FROM sites WHERE owner = ?", [.text(device)]).map { row throws(SQLiteError) in
            guard let site = SiteID(try row.text("site")) else { throw row.problem("站点 id 无效") }
            return site
        }
        if peer.relays {
            // A relay speaks for every site of its subtree (RelayAdoption), never the server's own.
            let held = try connection.rows("SELECT site, unit FROM sites").compactMap { row throws(SQLiteError) -> (site: SiteID, unit: String)? in
                guard let site = SiteID(try row.text("site")) else { return nil }
                return (site, try row.text("unit"))
            }
            let serverSite = SiteID(try connection.row("SELECT site FROM replica").text("site")) ?? SiteID(bits: 0)
            sites += RelayAdoption.relayedSites(held, scope: peer.scope, serverSite: serverSite)
        }
        let (ceiling, overflow) = serverCounter.addingReportingOverflow(SyncLimits.maximumCounterStep)
        return PushAuthority(ownSites: Set(sites), counterCeiling: overflow ? SyncLimits.maximumCounter : min(ceiling, SyncLimits.maximumCounter))
    }

    /// A site's counter is the highest change of it the server holds: raised as they are stored.
    static func raiseCounters(_ connection: Connection, to highest: [SiteID: UInt64]) throws {
        for (site, counter) in highest {
            guard let value = Int64(exactly: counter) else { continue }
            try connection.run("UPDATE sites SET counter = max(counter, ?) WHERE site = ?", [.integer(value), .text(site.rawValue)])
        }
    }
}
