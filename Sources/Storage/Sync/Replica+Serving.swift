import Records
import SyncCore

extension Replica: SyncServingStore {
    public func schemaVersion() throws -> Int {
        try withConnection { connection in try Migrator.schemaVersion(connection) }
    }

    public func registerPeer(_ peer: SiteInfo, counter: UInt64, now: Int64) throws {
        try refusing { () throws(ReplicaError) in
            try withConnection { connection in
                let known = try connection.rows("SELECT device_name, unit, counter FROM sites WHERE site = ?", [.text(peer.site.rawValue)]).first
                if let known, let previous = known[2].integer, UInt64(previous) > counter {
                    throw SyncRefused.counterWentBack(site: peer.site, known: UInt64(previous), declared: counter)
                }
                if let known, known[0].text == peer.deviceName, known[1].text == peer.unit, known[2].integer == Int64(counter) { return }
                try connection.run("""
                INSERT INTO sites (site, device_name, unit, counter, seen_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (site) DO UPDATE SET device_name = excluded.device_name, unit = excluded.unit,
                    counter = max(counter, excluded.counter), seen_at = excluded.seen_at
                """, [.text(peer.site.rawValue), .text(peer.deviceName), .text(peer.unit), .integer(Int64(counter)), .integer(now)])
            }
        }
    }

    public func knows(_ cursor: SyncCursor) throws -> Bool {
        try withConnection { connection in
            !(try connection.rows("SELECT 1 FROM cursor_marks WHERE mark = ? AND seq = ?", [.text(cursor.mark), .integer(cursor.seq)]).isEmpty)
        }
    }

    public func applyPushed(_ records: [RemoteRecord], from peer: SiteInfo, scope: SyncScope, now: Int64) throws -> PushResponse {
        try refusing { () throws(ReplicaError) in
            try write(now: now) { connection, session in
                var applier = RemoteApplier(connection: connection, session: session, fromUpstream: false)
                applier.pusher = peer.site.rawValue
                let units = Set(try connection.rows("SELECT code FROM units").compactMap { $0[0].text })
                var changed = 0
                var conflicted = 0
                var refused: [Refusal] = []
                for record in records {
                    if !scope.mayWrite(record.unit) {
                        refused.append(Refusal(kind: record.kind, id: record.id, reason: "此设备无权写入单位 \(record.unit) 的记录"))
                        continue
                    }
                    if !units.contains(record.unit) {
                        refused.append(Refusal(kind: record.kind, id: record.id,
                                               reason: "服务器上没有单位 \(record.unit); 请乡镇先用 gongkai admin add-unit 登记"))
                        continue
                    }
                    switch try applier.apply(record) {
                    case .unchanged: break
                    case .changed(let isConflicted):
                        changed += 1
                        if isConflicted { conflicted += 1 }
                    case .refused(let reason):
                        refused.append(Refusal(kind: record.kind, id: record.id, reason: reason))
                    }
                }
                return PushResponse(changed: changed, conflicted: conflicted, refused: refused)
            }
        }
    }

    public func changes(after cursor: SyncCursor?, for peer: SiteID, scope: SyncScope, limit: Int, now: Int64) throws -> PullResponse {
        let page = try withConnection { connection in try connection.snapshot {
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
                let window = try ChangeWindow(connection, after: position, pendingOnly: false, notFrom: peer.rawValue,
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
            // Seen to the end: what lies beyond the last row read is the puller's own, so the
            // cursor moves past it and the next pull does not pass over it again.
            if !more { position = max(position, try RecordKind.allCases.map { try RecordTable($0).lastSeq(connection) }.max() ?? 0) }
            let records = visible.map { RemoteRecord(kind: $0.kind.rawValue, id: $0.id, unit: $0.unit, version: $0.version) }
            return (records: records, sites: try Replica.sites(connection, of: records), units: try Replica.units(connection, of: records),
                    next: position, more: more)
        } }
        // The cursor the puller gets back carries a mark this replica remembers issuing.
        let next: SyncCursor
        if let cursor, cursor.seq == page.next {
            next = cursor
        } else {
            next = try issueMark(seq: page.next, now: now)
        }
        return PullResponse(records: page.records, sites: page.sites, units: page.units, next: next, more: page.more)
    }

    private func issueMark(seq: Int64, now: Int64) throws(ReplicaError) -> SyncCursor {
        try withConnection { connection in
            let epoch = try connection.scalar("SELECT epoch FROM sync_state").text ?? ""
            if let existing = try connection.rows("SELECT mark FROM cursor_marks WHERE seq = ? LIMIT 1", [.integer(seq)]).first?[0].text {
                return SyncCursor(mark: existing, seq: seq)
            }
            var generator = SystemRandomNumberGenerator()
            let mark = "\(epoch)-\(String(generator.next() as UInt64, radix: 36))"
            try connection.run("INSERT INTO cursor_marks (mark, seq, issued_at) VALUES (?, ?, ?)", [.text(mark), .integer(seq), .integer(now)])
            return SyncCursor(mark: mark, seq: seq)
        }
    }

    public func digest(scope: SyncScope) throws -> String {
        try withConnection { connection in
            var digest = Digest256.zero
            for row in try connection.rows("SELECT unit, digest FROM unit_digests") {
                guard let unit = row[0].text, scope.mayRead(unit), let value = row[1].text.flatMap(Digest256.init(hex:)) else { continue }
                digest = digest ^ value
            }
            return digest.hex
        }
    }

    public func peerFinishedSync(_ peer: SiteInfo, now: Int64) throws {
        try withConnection { connection in
            try connection.run("UPDATE sites SET synced_at = ? WHERE site = ?", [.integer(now), .text(peer.site.rawValue)])
        }
    }

    static func sites(_ connection: Connection, of records: [RemoteRecord]) throws -> [SiteInfo] {
        let wanted = Set(records.flatMap { $0.version.clock.counters.keys })
        return try wanted.sorted().compactMap { site in
            guard let row = try connection.rows("SELECT device_name, unit FROM sites WHERE site = ?", [.text(site.rawValue)]).first else { return nil }
            return SiteInfo(site: site, deviceName: row[0].text ?? "", unit: row[1].text ?? "")
        }
    }

    static func units(_ connection: Connection, of records: [RemoteRecord]) throws -> [UnitInfo] {
        try Set(records.map(\.unit)).sorted().compactMap { code in
            guard let row = try connection.rows("SELECT name, parent FROM units WHERE code = ?", [.text(code)]).first else { return nil }
            return UnitInfo(code: code, name: row[0].text ?? "", parent: row[1].text)
        }
    }
}
