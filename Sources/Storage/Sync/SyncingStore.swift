import Records
import SyncCore

/// The syncing side (a laptop's replica): what to push, what was refused, where the cursors
/// stand, what the last sync found.
public struct SyncingStore: Sendable, SyncClientStore {
    let database: Database

    init(_ database: Database) {
        self.database = database
    }

    public func siteInfo() throws -> SiteInfo {
        let identity = try UnitStore(database).identity()
        // A name from before the limits (or a long host name) goes as the server would take it.
        return SiteInfo(site: SiteID(identity.site)!, deviceName: SyncLimits.cleanedDeviceName(identity.deviceName), unit: identity.unit.code)
    }

    public func schemaVersion() throws -> Int {
        try database.schemaVersion()
    }

    public func counter() throws -> UInt64 {
        try database.withConnection { connection in UInt64(try connection.integer("SELECT counter FROM replica")) }
    }

    public func pendingChanges(after seq: Int64?, limit: Int) throws -> (records: [RemoteRecord], through: Int64) {
        try database.withConnection { connection in
            let cursor = try connection.integer("SELECT push_seq FROM sync_state")
            let pushed = max(cursor, seq ?? cursor)
            // At most `limit` records and `syncBatchByteBudget` of content (at least one record).
            let window = try ChangeWindow(connection, after: pushed, pendingOnly: true, limit: limit, byteBudget: syncBatchByteBudget)
            var budget = BatchBudget(limit: limit)
            let batch = window.records.prefix { budget.admit($0) }
            let records = batch.map { RemoteRecord(kind: $0.kind.rawValue, id: $0.id, unit: $0.unit, version: $0.version) }
            return (records, batch.last?.seq ?? pushed)
        }
    }

    public func acknowledgePush(through seq: Int64, sent: [RecordKey], refused: [Refusal], now: Int64) throws {
        try database.withConnection { connection in
            try connection.transaction {
                try connection.run("UPDATE sync_state SET push_seq = max(push_seq, ?)", [.integer(seq)])
                if try connection.integer("SELECT count(*) FROM rejections") > 0 {
                    let refusedIDs = Set(refused.map { "\($0.kind)/\($0.id)" })
                    for record in sent where !refusedIDs.contains("\(record.kind)/\(record.id)") {
                        try connection.run("DELETE FROM rejections WHERE kind = ? AND id = ?", [.text(record.kind), .text(record.id)])
                    }
                }
                for refusal in refused {
                    try connection.run("INSERT OR REPLACE INTO rejections (kind, id, reason, refused_at) VALUES (?, ?, ?, ?)",
                                       [.text(refusal.kind), .text(refusal.id), .text(refusal.reason), .integer(now)])
                }
            }
        }
    }

    public func retryRefused(now: Int64) throws {
        // Most syncs have nothing refused: that is a read, and no write follows.
        guard try database.withConnection({ connection in try connection.integer("SELECT count(*) FROM rejections") }) > 0 else { return }
        try database.write(now: now) { connection, session in
            for row in try connection.rows("SELECT kind, id FROM rejections") {
                // A refusal of a kind this build does not know has no record here to retry.
                guard let kind = RecordKind(rawValue: try row.text("kind")) else { continue }
                let id = try row.text("id")
                try connection.run("UPDATE \(RecordTable.name(of: kind)) SET seq = ? WHERE id = ? AND from_upstream = 0",
                                   [.integer(session.nextSeq()), .text(id)])
            }
        }
    }

    public func pullCursor() throws -> SyncCursor? {
        try database.withConnection { connection in
            let row = try connection.row("SELECT pull_mark, pull_seq FROM sync_state")
            guard let mark = try row.optionalText("pull_mark") else { return nil }
            return SyncCursor(mark: mark, seq: try row.integer("pull_seq"))
        }
    }

    public func describing(_ records: [RemoteRecord]) throws -> (sites: [SiteInfo], units: [UnitInfo]) {
        try database.withConnection { connection in
            let own = try connection.row("SELECT site, unit FROM replica")
            let ownSite = try own.text("site"), ownUnit = try own.text("unit")
            let siteIDs = Set(records.flatMap { $0.version.clock.counters.keys.map(\.rawValue) }).subtracting([ownSite])
            let sites = try siteIDs.sorted().compactMap { site throws(SQLiteError) -> SiteInfo? in
                guard let row = try connection.rows("SELECT device_name, unit FROM sites WHERE site = ?", [.text(site)]).first else { return nil }
                return SiteInfo(site: SiteID(site)!, deviceName: try row.text("device_name"), unit: try row.text("unit"))
            }
            // The units, with every unit between them and this replica's own (parents first
            // once the server sorts them), so that a server can place each.
            let tree = try UnitStore.tree(connection)
            var codes = Set(records.map(\.unit))
            for code in codes { var unit = code; while let parent = tree.parent(of: unit), parent != ownUnit, codes.insert(parent).inserted { unit = parent } }
            let units = try codes.subtracting([ownUnit]).sorted().compactMap { code throws(SQLiteError) -> UnitInfo? in
                guard let row = try connection.rows("SELECT name, parent FROM units WHERE code = ?", [.text(code)]).first else { return nil }
                return UnitInfo(code: code, name: try row.text("name"), parent: try row.optionalText("parent"))
            }
            return (sites, units)
        }
    }

    public func applyPulled(_ response: PullResponse, now: Int64) throws -> (changed: Int, refused: [Refusal]) {
        // An empty page that leaves the cursor where it stands (a no-op sync's pull) changes
        // nothing: no write transaction for it.
        if response.records.isEmpty, response.sites.isEmpty, response.units.isEmpty, !response.restarted, try pullCursor() == response.next {
            return (0, [])
        }
        let applied = try apply(response, movingCursorFrom: nil, now: now)
        return (applied.changed, applied.refused)
    }

    public func applyBundledPage(_ response: PullResponse, from cursor: SyncCursor?, now: Int64) throws -> (changed: Int, refused: [Refusal], moved: Bool) {
        try apply(response, movingCursorFrom: .some(cursor), now: now)
    }

    public func recordBundleTaken(at time: Int64, converged: Bool) throws {
        try database.withConnection { connection in
            try connection.run("UPDATE sync_state SET last_bundle = ?, last_bundle_converged = ?", [.integer(time), .integer(converged ? 1 : 0)])
        }
    }

    /// Merges a page; moves the pull cursor to its end always (`expected` nil), or only while it
    /// stands at `expected` (a bundled page).
    private func apply(_ response: PullResponse, movingCursorFrom expected: SyncCursor??, now: Int64) throws -> (changed: Int, refused: [Refusal], moved: Bool) {
        try database.syncWrite(now: now) { connection, session in
            let own = try UnitStore.identity(connection).unit
            if own.isTownship { try SyncingStore.adoptUnits(connection, response.units, below: own.code) }
            for site in response.sites {
                try connection.run("""
                INSERT INTO sites (site, device_name, unit, counter, seen_at) VALUES (?, ?, ?, 0, ?)
                ON CONFLICT (site) DO UPDATE SET device_name = excluded.device_name, unit = excluded.unit
                """, [.text(site.site.rawValue), .text(site.deviceName), .text(site.unit), .integer(now)])
            }
            let applier = RemoteApplier(connection: connection, session: session, fromUpstream: true)
            var changed = 0
            var refused: [Refusal] = []
            for record in response.records {
                guard try session.inScope(record.unit) else {
                    refused.append(Refusal(kind: record.kind, id: record.id, reason: "单位 \(record.unit) 不属于本副本"))
                    continue
                }
                switch try applier.apply(record) {
                case .unchanged: break
                case .changed: changed += 1
                case .refused(let reason), .held(let reason, _): refused.append(Refusal(kind: record.kind, id: record.id, reason: reason))
                }
            }
            var moved = true
            if let expected {
                let row = try connection.row("SELECT pull_mark, pull_seq FROM sync_state")
                let current = try row.optionalText("pull_mark").map { SyncCursor(mark: $0, seq: try row.integer("pull_seq")) }
                moved = current == expected
            }
            if moved {
                try connection.run("UPDATE sync_state SET pull_mark = ?, pull_seq = ?",
                                   [.text(response.next.mark), .integer(response.next.seq)])
            }
            // A record refused once that the server now holds exactly as this replica does
            // (its author synced what it lacked) is refused no more.
            if try connection.integer("SELECT count(*) FROM rejections") > 0 {
                for kind in RecordKind.allCases {
                    try connection.run("""
                    DELETE FROM rejections WHERE kind = ? AND id IN (SELECT id FROM \(RecordTable.name(of: kind)) WHERE from_upstream = 1)
                    """, [.text(kind.rawValue)])
                }
            }
            return (changed, refused, moved)
        }
    }

    /// Registers the units of a pulled page that lie below this replica's own unit (a
    /// township's villages; a county's townships and their villages), parents before children,
    /// whatever order they came in. A village replica holds no other unit.
    static func adoptUnits(_ connection: Connection, _ units: [UnitInfo], below own: String) throws {
        var held = try UnitStore.tree(connection).codes
        var waiting = units.filter { !held.contains($0.code) }
        while true {
            let ready = waiting.filter { unit in unit.parent.map(held.contains) ?? false }
            guard !ready.isEmpty else { return }
            for unit in ready {
                try connection.run("INSERT OR IGNORE INTO units (code, name, parent, is_township) VALUES (?, ?, ?, 0)",
                                   [.text(unit.code), .text(unit.name), unit.parent.sqlite])
                held.insert(unit.code)
            }
            waiting.removeAll { held.contains($0.code) }
        }
    }

    public func restartSync() throws {
        try database.withConnection { connection in
            try connection.transaction {
                try connection.run("UPDATE sync_state SET push_seq = 0, pull_mark = NULL, pull_seq = 0")
                for kind in RecordKind.allCases {
                    try connection.run("UPDATE \(kind.rawValue) SET from_upstream = 0 WHERE from_upstream = 1")
                }
            }
        }
    }

    public func relayedSyncs() throws -> [RelayedSync] {
        try database.withConnection { connection in
            try connection.rows("""
            SELECT site, device_name, unit, max(coalesce(synced_at, 0), coalesce(bundled_at, 0)) AS synced_at FROM sites
            WHERE (synced_at IS NOT NULL OR bundled_at IS NOT NULL) AND site <> (SELECT site FROM replica) ORDER BY site
            """).compactMap { row throws(SQLiteError) -> RelayedSync? in
                guard let site = SiteID(try row.text("site")) else { return nil }
                return RelayedSync(site: SiteInfo(site: site, deviceName: SyncLimits.cleanedDeviceName(try row.text("device_name")), unit: try row.text("unit")),
                                   at: try row.integer("synced_at"))
            }
        }
    }

    public func scopeDigest() throws -> String {
        try ServingStore(database).digest(scope: .everything)
    }

    public func recordSuccess(at time: Int64, converged: Bool) throws {
        try database.withConnection { connection in
            try connection.run("UPDATE sync_state SET last_sync = ?, last_converged = ?", [.integer(time), .integer(converged ? 1 : 0)])
        }
    }

    /// From the partial indexes on `conflicts`: as cheap with a million records as with ten.
    public func openConflictCount() throws -> Int {
        try database.withConnection { connection in
            try RecordKind.allCases.reduce(0) { $0 + (try RecordTable($1).conflictedFieldCount(connection)) }
        }
    }
}
