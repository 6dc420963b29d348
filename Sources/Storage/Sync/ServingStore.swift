import Foundation
import RecordRules
import Records
import SyncCore

/// The serving side (a township server's database): peers registered, pushes merged, changes
/// listed for pulls, digests, and who is asking.
public struct ServingStore: Sendable, SyncServingStore {
    let database: Database

    init(_ database: Database) {
        self.database = database
    }

    public func schemaVersion() throws -> Int {
        try database.schemaVersion()
    }

    /// Free space on the file system that holds the database.
    public func freeDiskBytes() -> Int64? {
        let folder = (database.path as NSString).deletingLastPathComponent
        guard let attributes = try? FileManager.default.attributesOfFileSystem(forPath: folder.isEmpty ? "." : folder),
              let free = attributes[.systemFreeSize] as? NSNumber else { return nil }
        return free.int64Value
    }

    /// What `/v1/status` says: the server's unit and schema, read beside any write in progress.
    public func servingStatus() throws -> ServingStatus {
        try database.withReader { connection in
            let unit = try UnitStore.identity(connection).unit
            return ServingStatus(unit: UnitStore.info(unit), schema: try Migrator.schemaVersion(connection))
        }
    }

    public func access(forToken token: String) throws -> TokenCheck {
        try DeviceStore(database).access(forToken: token)
    }

    public func acceptedSchemaVersions() throws -> ClosedRange<Int> {
        ReplicaSchema.accepted(own: try schemaVersion())
    }

    public func registerPeer(_ sender: SiteInfo, as peer: SyncPeer, counter: UInt64?, now: Int64) throws {
        // Decided on a reader, so that a device already known waits for no write; checked
        // again inside the write when the site is new or changed, since another request may
        // have bound it meanwhile.
        guard try database.syncRead({ connection in try SiteBinding.check(connection, sender, as: peer, counter: counter) }) else { return }
        try database.syncConnection { connection in
            try connection.transaction {
                guard try SiteBinding.check(connection, sender, as: peer, counter: counter) else { return }
                try SiteBinding.bind(connection, sender, as: peer, now: now)
            }
        }
    }

    public func adoptRelayed(sites: [SiteInfo], units: [UnitInfo], as peer: SyncPeer, now: Int64) throws -> SyncPeer {
        guard peer.relays, !sites.isEmpty || !units.isEmpty else { return peer }
        // Decided on a reader (a relay's push names the same units and sites again and again);
        // written, and decided again inside the write, only when something is new.
        func adoption(_ connection: Connection) throws -> (units: [UnitInfo], sites: [SiteInfo], scope: SyncScope) {
            let adopted = RelayAdoption.units(units, held: try UnitStore.tree(connection).codes, scope: peer.scope)
            let scope = adopted.isEmpty || peer.scope.writable == nil ? peer.scope
                : SyncScope(readable: peer.scope.readable.map { $0.union(adopted.map(\.code)) }, writable: peer.scope.writable!.union(adopted.map(\.code)))
            let known = Set(try sites.filter { site throws(SQLiteError) in
                !(try connection.rows("SELECT 1 FROM sites WHERE site = ?", [.text(site.site.rawValue)]).isEmpty)
            }.map(\.site))
            let serverSite = try connection.row("SELECT site FROM replica").text("site")
            let newSites = RelayAdoption.sites(sites, known: known, scope: scope, serverSite: SiteID(serverSite) ?? SiteID(bits: 0))
            return (adopted, newSites, scope)
        }
        let first = try database.syncRead { connection in try adoption(connection) }
        guard !first.units.isEmpty || !first.sites.isEmpty else { return SyncPeer(scope: first.scope, device: peer.device, relays: true, unit: peer.unit) }
        let scope = try database.syncConnection { connection in
            try connection.transaction {
                let decided = try adoption(connection)
                for unit in decided.units {
                    try connection.run("INSERT INTO units (code, name, parent, is_township) VALUES (?, ?, ?, 0)",
                                       [.text(unit.code), .text(unit.name), unit.parent.sqlite])
                }
                for site in decided.sites {
                    try connection.run("INSERT INTO sites (site, device_name, unit, counter, seen_at) VALUES (?, ?, ?, 0, ?)",
                                       [.text(site.site.rawValue), .text(site.deviceName), .text(site.unit), .integer(now)])
                }
                return decided.scope
            }
        }
        return SyncPeer(scope: scope, device: peer.device, relays: true, unit: peer.unit)
    }

    public func knows(_ cursor: SyncCursor) throws -> Bool {
        // Position 0 is before everything, in every history.
        if cursor.seq == 0 { return true }
        return try database.withReader { connection in
            try !connection.rows("SELECT 1 FROM history_marks WHERE mark = ? AND first_seq <= ? AND last_seq >= ?",
                                 [.text(cursor.mark), .integer(cursor.seq), .integer(cursor.seq)]).isEmpty
                || !connection.rows("SELECT 1 FROM cursor_marks WHERE mark = ? AND seq = ?", [.text(cursor.mark), .integer(cursor.seq)]).isEmpty
        }
    }

    public func applyPushed(_ records: [RemoteRecord], from sender: SiteInfo, as peer: SyncPeer, now: Int64) throws -> PushResponse {
        try database.syncWrite(now: now) { connection, session in
            var applier = RemoteApplier(connection: connection, session: session, fromUpstream: false)
            applier.pusher = sender.site.rawValue
            let authority = try SiteBinding.authority(connection, of: peer, serverCounter: session.counter)
            applier.authority = authority
            let units = Set(try connection.rows("SELECT code FROM units").map { row throws(SQLiteError) in try row.text("code") })
            var changed = 0
            var changedBytes = 0
            var heldRecords = 0, heldBytes = 0
            var conflicted = 0
            var refused: [Refusal] = []
            var highest: [SiteID: UInt64] = [:]
            for record in records {
                if !peer.scope.mayWrite(record.unit) {
                    refused.append(Refusal(kind: record.kind, id: record.id, reason: RecordIntake.outsideScope(unit: record.unit)))
                    continue
                }
                if !units.contains(record.unit) {
                    refused.append(Refusal(kind: record.kind, id: record.id,
                                           reason: RecordIntake.unknownUnit(record.unit)))
                    continue
                }
                switch try applier.apply(record) {
                case .unchanged: break
                case .changed(let isConflicted):
                    changed += 1
                    changedBytes += record.contentBytes
                    if isConflicted { conflicted += 1 }
                case .refused(let reason):
                    refused.append(Refusal(kind: record.kind, id: record.id, reason: reason))
                    continue
                case .held(let reason, let new):
                    // Kept on the server though not taken: it counts against the day's quota.
                    if new { heldRecords += 1; heldBytes += record.contentBytes }
                    refused.append(Refusal(kind: record.kind, id: record.id, reason: reason))
                    continue
                }
                for (site, counter) in record.version.clock.counters where authority.owns(site) && counter > highest[site] ?? 0 {
                    highest[site] = counter
                }
            }
            // Charged after merging, in the same transaction: a push over a limit leaves nothing.
            try PushUsage.charge(connection, peer: peer, adding: PushQuota(records: changed + heldRecords, bytes: changedBytes + heldBytes), now: now)
            try SiteBinding.raiseCounters(connection, to: highest)
            try ServingStore.noteRefusals(connection, refused, of: records, from: sender.site, now: now)
            return PushResponse(changed: changed, conflicted: conflicted, refused: refused)
        }
    }

    public func changes(after cursor: SyncCursor?, for peer: SiteID, scope: SyncScope, limit: Int, now: Int64) throws -> PullResponse {
        // A device reads its unit's subtree (a village one unit): its rows are picked in SQL, never
        // decoded otherwise.
        let units = scope.readable
        let page = try database.withReader { connection in
            let start = cursor?.seq ?? 0
            var position = start
            var visible: [StoredRecord] = []
            var budget = BatchBudget(limit: limit)
            var scanned = 0
            var more = true
            // Rows the puller sent itself are passed over in SQL; rows it may not read are passed
            // over here, scanning on (up to 20 pages' worth) until a page of records is found. A
            // page holds at most `limit` records and `syncBatchByteBudget` of content.
            scanning: while more && scanned < 20 * limit {
                let window = try ChangeWindow(connection, after: position, pendingOnly: false, notFrom: peer.rawValue, ofUnits: units,
                                              limit: limit, byteBudget: syncBatchByteBudget)
                let batch = window.records.prefix(limit)
                more = !window.complete || window.records.count > limit
                for record in batch {
                    if scope.mayRead(record.unit) {
                        guard budget.admit(record) else {
                            more = true
                            break scanning
                        }
                        visible.append(record)
                    }
                    scanned += 1
                    position = record.seq
                    if visible.count == limit {
                        more = more || record.seq != batch.last?.seq
                        break scanning
                    }
                }
            }
            // Seen to the end: what lies beyond the last row read is the puller's own (or not
            // its to read), so the cursor moves past it and the next pull does not pass over it again.
            if !more { position = max(position, try RecordKind.allCases.map { try RecordTable($0).lastSeq(connection) }.max() ?? 0) }
            let records = visible.map { RemoteRecord(kind: $0.kind.rawValue, id: $0.id, unit: $0.unit, version: $0.version) }
            // The cursor the puller gets back names the history it points into.
            let next: SyncCursor? = if let cursor, cursor.seq == position { cursor } else { try ServingStore.historyMark(connection, at: position) }
            return (records: records, sites: try ServingStore.sites(connection, of: records), units: try ServingStore.units(connection, of: records),
                    next: next, position: position, more: more)
        }
        let next = try page.next ?? issueMark(seq: page.position, now: now)
        return PullResponse(records: page.records, sites: page.sites, units: page.units, next: next, more: page.more)
    }

    /// The cursor at `seq`, named by the mark of the write that took that sequence number (a
    /// read). Nil only for a number no recorded write took (a file whose rows were numbered
    /// before marks were recorded, beyond its last count).
    static func historyMark(_ connection: Connection, at seq: Int64) throws -> SyncCursor? {
        if seq == 0 { return SyncCursor(mark: "start", seq: 0) }
        let row = try connection.rows("SELECT mark, first_seq FROM history_marks WHERE last_seq >= ? ORDER BY last_seq LIMIT 1",
                                      [.integer(seq)]).first
        guard let row, try row.integer("first_seq") <= seq else { return nil }
        return SyncCursor(mark: try row.text("mark"), seq: seq)
    }

    /// A mark of its own for a position no write's mark covers (kept, like every mark issued).
    private func issueMark(seq: Int64, now: Int64) throws(ReplicaError) -> SyncCursor {
        try database.withConnection { connection in
            try connection.transaction {
                let epoch = try connection.row("SELECT epoch FROM sync_state").text("epoch")
                if let existing = try connection.rows("SELECT mark FROM cursor_marks WHERE seq = ? LIMIT 1", [.integer(seq)]).first {
                    return SyncCursor(mark: try existing.text("mark"), seq: seq)
                }
                var generator = SystemRandomNumberGenerator()
                let mark = "\(epoch)-\(String(generator.next() as UInt64, radix: 36))"
                try connection.run("INSERT INTO cursor_marks (mark, seq, issued_at) VALUES (?, ?, ?)", [.text(mark), .integer(seq), .integer(now)])
                return SyncCursor(mark: mark, seq: seq)
            }
        }
    }

    public func digest(scope: SyncScope) throws -> String {
        try database.withReader { connection in
            let units = try connection.rows("SELECT unit, digest FROM unit_digests").map { row throws(SQLiteError) in
                (unit: try row.text("unit"), digest: try row.text("digest"))
            }
            guard let digest = RecordDigest.ofScope(units, scope: scope) else { throw ReplicaError.corrupt(path: database.path, detail: "单位摘要不是 64 位十六进制") }
            return digest
        }
    }

    public func peerFinishedSync(_ sender: SiteInfo, as peer: SyncPeer, by means: SyncMeans, now: Int64) throws {
        try registerPeer(sender, as: peer, counter: nil, now: now)
        try database.withConnection { connection in
            try connection.transaction {
                let site = SQLiteValue.text(sender.site.rawValue)
                let column = means == .network ? "synced_at" : "bundled_at"
                try connection.run("UPDATE sites SET \(column) = ? WHERE site = ?", [.integer(now), site])
                // Refusals this sync did not see again: the laptop renamed or fixed those records.
                try connection.run("""
                    DELETE FROM push_refusals WHERE site = ?1 AND sync_number < (SELECT finished_syncs FROM sites WHERE site = ?1)
                    """, [site])
                try connection.run("UPDATE sites SET finished_syncs = finished_syncs + 1 WHERE site = ?", [site])
            }
        }
    }

    public func noteRelayedSyncs(_ syncs: [RelayedSync], as peer: SyncPeer, now: Int64) throws {
        guard peer.relays, !syncs.isEmpty else { return }
        try database.syncConnection { connection in
            try connection.transaction {
                var known: [SiteID: String] = [:]
                for sync in syncs {
                    if let row = try connection.rows("SELECT unit FROM sites WHERE site = ?", [.text(sync.site.site.rawValue)]).first {
                        known[sync.site.site] = try row.text("unit")
                    }
                }
                let serverSite = SiteID(try connection.row("SELECT site FROM replica").text("site")) ?? SiteID(bits: 0)
                for sync in RelayAdoption.syncs(syncs, knownUnits: known, scope: peer.scope, serverSite: serverSite) {
                    try connection.run("""
                    INSERT INTO sites (site, device_name, unit, counter, seen_at, synced_at) VALUES (?1, ?2, ?3, 0, ?4, ?5)
                    ON CONFLICT (site) DO UPDATE SET synced_at = max(coalesce(synced_at, 0), excluded.synced_at)
                    """, [.text(sync.site.site.rawValue), .text(sync.site.deviceName), .text(sync.site.unit), .integer(now), .integer(sync.at)])
                }
            }
        }
    }

    /// Keeps what this push refused (for `report check`), and forgets refusals of records it
    /// now accepted.
    static func noteRefusals(_ connection: Connection, _ refused: [Refusal], of records: [RemoteRecord], from site: SiteID, now: Int64) throws {
        let siteValue = SQLiteValue.text(site.rawValue)
        let refusedKeys = Set(refused.map { "\($0.kind)/\($0.id)" })
        if try connection.integer("SELECT count(*) FROM push_refusals WHERE site = ?", [siteValue]) > 0 {
            // A record held back for this site (every held one is also refused) and now taken
            // (or held by the server as it is) is held no longer.
            for record in records where !refusedKeys.contains("\(record.kind)/\(record.id)") {
                try connection.run("DELETE FROM push_refusals WHERE site = ? AND kind = ? AND id = ?", [siteValue, .text(record.kind), .text(record.id)])
                try connection.run("DELETE FROM held_versions WHERE pusher = ? AND kind = ? AND id = ?", [siteValue, .text(record.kind), .text(record.id)])
            }
        }
        let units = Dictionary(records.map { ("\($0.kind)/\($0.id)", $0.unit) }, uniquingKeysWith: { first, _ in first })
        for refusal in refused {
            try connection.run("""
                INSERT OR REPLACE INTO push_refusals (site, kind, id, unit, reason, refused_at, sync_number)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce((SELECT finished_syncs FROM sites WHERE site = ?1), 0))
                """, [siteValue, .text(refusal.kind), .text(refusal.id), .text(units["\(refusal.kind)/\(refusal.id)"] ?? ""),
                      .text(refusal.reason), .integer(now)])
        }
    }

    static func sites(_ connection: Connection, of records: [RemoteRecord]) throws -> [SiteInfo] {
        let wanted = Set(records.flatMap { $0.version.clock.counters.keys })
        return try wanted.sorted().compactMap { site in
            guard let row = try connection.rows("SELECT device_name, unit FROM sites WHERE site = ?", [.text(site.rawValue)]).first else { return nil }
            return SiteInfo(site: site, deviceName: try row.text("device_name"), unit: try row.text("unit"))
        }
    }

    /// The records' units and the units above them (a replica places a unit below one it holds).
    static func units(_ connection: Connection, of records: [RemoteRecord]) throws -> [UnitInfo] {
        var found: [String: UnitInfo] = [:]
        var next = Array(Set(records.map(\.unit)))
        while let code = next.popLast() {
            guard found[code] == nil, let row = try connection.rows("SELECT name, parent FROM units WHERE code = ?", [.text(code)]).first else { continue }
            let unit = UnitInfo(code: code, name: try row.text("name"), parent: try row.optionalText("parent"))
            found[code] = unit
            if let parent = unit.parent { next.append(parent) }
        }
        return found.values.sorted { $0.code < $1.code }
    }
}
