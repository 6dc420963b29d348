import RecordRules
import Records
import SyncCore

/// One pushed batch merged in one transaction, as `RecordIntake` decides each record: every
/// stored version the batch touches read in one query, every new or merged one written in two.
/// The digest rows of the batch's units are locked first (in code order), so pushes of one unit
/// take turns and pushes of different units do not wait for each other.
struct PostgresPush {
    let session: PostgresSession
    let sender: SiteInfo
    let peer: SyncPeer
    let now: Int64

    private struct Written {
        let remote: RemoteRecord
        let version: RecordVersion
        let isNew: Bool
        let origin: String?
        let digest: Digest256
        let columns: VersionColumns
    }

    func apply(_ records: [RemoteRecord]) throws -> PushResponse {
        let authority = try PostgresSites.authority(session, of: peer)
        let batchUnits = Set(records.map(\.unit)).sorted()
        let known = Set(try session.rows("SELECT code FROM units WHERE code = ANY($1)", [.texts(batchUnits)]).map { try $0.text("code") })
        var refused: [Refusal] = []
        var admitted: [RemoteRecord] = []
        for record in records {
            if !peer.scope.mayWrite(record.unit) {
                refused.append(Refusal(kind: record.kind, id: record.id, reason: RecordIntake.outsideScope(unit: record.unit)))
            } else if !known.contains(record.unit) {
                refused.append(Refusal(kind: record.kind, id: record.id, reason: RecordIntake.unknownUnit(record.unit)))
            } else {
                admitted.append(record)
            }
        }
        let units = Set(admitted.map(\.unit)).sorted()
        var unitDigests: [String: Digest256] = [:]
        if !units.isEmpty {
            try session.run("INSERT INTO unit_digests (unit, digest) SELECT unnest($1::text[]), $2 ON CONFLICT (unit) DO NOTHING",
                            [.texts(units), .text(Digest256.zero.hex)])
            for row in try session.rows("SELECT unit, digest FROM unit_digests WHERE unit = ANY($1) ORDER BY unit FOR UPDATE", [.texts(units)]) {
                guard let digest = Digest256(hex: try row.text("digest")) else { throw PostgresStoreError.corrupt("单位摘要不是 64 位十六进制") }
                unitDigests[try row.text("unit")] = digest
            }
        }
        // What the store holds of these records now; updated as the batch is decided, so a
        // record named twice in one batch merges with itself.
        var stored: [String: (unit: String, version: RecordVersion, digest: Digest256)] = [:]
        if !admitted.isEmpty {
            for row in try session.rows("""
            SELECT \(PostgresRecordRow.columns) FROM records WHERE (kind, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
            """, [.texts(admitted.map(\.kind)), .texts(admitted.map(\.id))]) {
                let record = try PostgresRecordRow(row)
                stored["\(record.kind.rawValue)/\(record.id)"] = (record.unit, record.version, record.digest)
            }
        }
        var written: [String: Written] = [:]
        var order: [String] = []
        var changed = 0, conflicted = 0, changedBytes = 0
        var highest: [SiteID: UInt64] = [:]
        var looked = Set(admitted.map { "\($0.kind)/\($0.id)" })
        var heldRecords = 0, heldBytes = 0
        // Stages what one record's decision writes, if anything: a new record or a merge, marked
        // as the pusher's (`origin`) when it is exactly what it sent.
        func stage(_ record: RemoteRecord, _ version: RecordVersion, origin: String?, conflicts: Bool) {
            let key = "\(record.kind)/\(record.id)"
            let held = stored[key]
            let kind = RecordKind(rawValue: record.kind)!
            let compact = version.compact
            let digest = RecordDigest.of(kind: kind, id: record.id, unit: record.unit, compact: compact)
            unitDigests[record.unit] = unitDigests[record.unit]! ^ (held?.digest ?? .zero) ^ digest
            if written[key] == nil { order.append(key) }
            written[key] = Written(remote: record, version: version, isNew: written[key]?.isNew ?? (held == nil), origin: origin, digest: digest,
                                   columns: VersionColumns(version, compact: compact))
            stored[key] = (record.unit, version, digest)
            changed += 1
            changedBytes += record.contentBytes
            if conflicts { conflicted += 1 }
        }
        // Decides one record; the reason when it is refused. `authority` nil for a version the
        // store held, moved aside by a number clash.
        func take(_ record: RemoteRecord, authority: PushAuthority?, origin pusher: String?) throws -> String? {
            let key = "\(record.kind)/\(record.id)"
            if !looked.contains(key) {
                looked.insert(key)
                if let row = try session.rows("SELECT \(PostgresRecordRow.columns) FROM records WHERE kind = $1 AND id = $2",
                                              [.text(record.kind), .text(record.id)]).first {
                    let found = try PostgresRecordRow(row)
                    stored[key] = (found.unit, found.version, found.digest)
                }
            }
            let held = stored[key]
            var decision = try RecordIntake.decide(record, stored: held.map { ($0.unit, $0.version) }, authority: authority)
            if case .unvouched(let reason) = decision, let authority {
                let vouched = try vouch(record, reason: reason, stored: held.map { ($0.unit, $0.version) }, authority: authority)
                // Kept on the server though not taken: it counts against the day's quota.
                if vouched.newlyHeld { heldRecords += 1; heldBytes += record.contentBytes }
                decision = vouched.decision
            }
            switch decision {
            case .refused(let reason), .unvouched(let reason): return reason
            case .unchanged: return nil
            case .insert(let new, let exact): stage(record, new, origin: exact ? pusher : nil, conflicts: decision.isConflicted)
            case .update(let merged, let exact): stage(record, merged, origin: exact ? pusher : nil, conflicts: decision.isConflicted)
            case .clash(let replacement, let moved):
                guard let replacement, held != nil else { return try take(moved, authority: authority, origin: pusher) }
                // What came keeps the id; what the store held moves to its own.
                stage(record, replacement, origin: pusher, conflicts: false)
                return try take(moved, authority: nil, origin: nil)
            }
            return nil
        }
        for record in admitted {
            if let reason = try take(record, authority: authority, origin: sender.site.rawValue) {
                refused.append(Refusal(kind: record.kind, id: record.id, reason: reason))
                continue
            }
            for (site, counter) in record.version.clock.counters where authority.owns(site) && counter > highest[site] ?? 0 {
                highest[site] = counter
            }
        }
        // Charged before anything is written; a push over a limit rolls the transaction back.
        try PostgresPushUsage.charge(session, peer: peer, adding: PushQuota(records: changed + heldRecords, bytes: changedBytes + heldBytes), now: now)
        let rows = order.map { written[$0]! }
        try insert(rows.filter(\.isNew))
        try update(rows.filter { !$0.isNew })
        for (unit, digest) in unitDigests {
            try session.run("UPDATE unit_digests SET digest = $1 WHERE unit = $2", [.text(digest.hex), .text(unit)])
        }
        try PostgresSites.raiseCounters(session, to: highest)
        try noteRefusals(refused, of: records)
        return PushResponse(changed: changed, conflicted: conflicted, refused: refused)
    }

    /// A version with other devices' changes the server lacks: taken with the versions those
    /// devices pushed and the server held back, or held back itself (`Vouching`). The record's
    /// unit is locked (its digest row), so pushes of it take turns here too.
    private func vouch(_ record: RemoteRecord, reason: String, stored: (unit: String, version: RecordVersion)?,
                       authority: PushAuthority) throws -> RecordIntake.Vouched {
        let key: [Bind] = [.text(record.kind), .text(record.id)]
        let held = try session.rows("SELECT pusher, sites, version FROM held_versions WHERE kind = $1 AND id = $2 AND unit = $3",
                                    key + [.text(record.unit)]).compactMap { row in
            HeldVersionText.held(pusher: try row.text("pusher"), sites: try row.text("sites"), version: try row.text("version"))
        }
        let vouched = RecordIntake.vouch(record, reason: reason, stored: stored, authority: authority, sender: sender.site, held: held)
        let released = vouched.keep == nil ? vouched.release.union([sender.site]) : vouched.release
        if !released.isEmpty {
            let pushers = Bind.texts(released.map(\.rawValue).sorted())
            try session.run("DELETE FROM held_versions WHERE kind = $1 AND id = $2 AND pusher = ANY($3)", key + [pushers])
            try session.run("DELETE FROM push_refusals WHERE kind = $1 AND id = $2 AND site = ANY($3)", key + [pushers])
        }
        if let keep = vouched.keep {
            try session.run("""
            INSERT INTO held_versions (kind, id, pusher, unit, sites, version, held_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (kind, id, pusher) DO UPDATE SET unit = excluded.unit, sites = excluded.sites, version = excluded.version, held_at = excluded.held_at
            """, key + [.text(keep.pusher.rawValue), .text(record.unit), .text(HeldVersionText.sites(keep.sites)),
                        .text(HeldVersionText.version(keep.version)), .integer(now)])
        }
        return vouched
    }

    /// The columns of written rows, as arrays for `unnest`.
    private func columns(_ rows: [Written]) -> [Bind] {
        let versions = rows.map(\.columns)
        return [.texts(rows.map(\.remote.kind)), .texts(rows.map(\.remote.id)), .texts(rows.map(\.remote.unit)),
                .texts(rows.map { $0.origin ?? "" }), .texts(rows.map(\.digest.hex)), .flags(versions.map(\.deleted)),
                .integers(versions.map { Int64($0.conflicts) }), .texts(versions.map(\.vv)), .texts(versions.map(\.clock)),
                .texts(versions.map { $0.siblings ?? "" }),
                .texts(rows.map { PostgresRecordRow.fields(of: $0.version, kind: RecordKind(rawValue: $0.remote.kind)!) })]
    }

    private static let unnested = """
    unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[])
        AS w(kind, id, unit, origin, digest, deleted, conflicts, vv, clock, siblings, fields)
    """

    private func insert(_ rows: [Written]) throws {
        guard !rows.isEmpty else { return }
        let inserted = try session.run("""
        INSERT INTO records (kind, id, unit, seq, xid, origin, digest, deleted, conflicts, vv, clock, siblings, fields)
        SELECT kind, id, unit, nextval('record_seq'), pg_current_xact_id(), nullif(origin, ''), digest, deleted, conflicts, vv, clock,
               nullif(siblings, ''), fields::jsonb
        FROM \(PostgresPush.unnested)
        ON CONFLICT (kind, id) DO NOTHING
        """, columns(rows))
        // Another push stored one of these records meanwhile (of another unit, whose lock this
        // one does not hold): try the whole batch again, when it will be merged or refused.
        guard inserted == rows.count else { throw PostgresStoreError.conflict("记录同时被另一次同步写入") }
    }

    private func update(_ rows: [Written]) throws {
        guard !rows.isEmpty else { return }
        try session.run("""
        UPDATE records r SET seq = nextval('record_seq'), xid = pg_current_xact_id(), origin = nullif(w.origin, ''), digest = w.digest,
            deleted = w.deleted, conflicts = w.conflicts, vv = w.vv, clock = w.clock, siblings = nullif(w.siblings, ''), fields = w.fields::jsonb
        FROM \(PostgresPush.unnested)
        WHERE r.kind = w.kind AND r.id = w.id
        """, columns(rows))
    }

    /// Keeps what this push refused (for `report check`), and forgets refusals of records it
    /// now accepted.
    private func noteRefusals(_ refused: [Refusal], of records: [RemoteRecord]) throws {
        let site = Bind.text(sender.site.rawValue)
        let refusedKeys = Set(refused.map { "\($0.kind)/\($0.id)" })
        let accepted = records.filter { !refusedKeys.contains("\($0.kind)/\($0.id)") }
        if !accepted.isEmpty {
            // With any version held back for this site before and now taken (or held by the
            // server as it is): one round trip.
            try session.run("""
            WITH taken AS (SELECT * FROM unnest($2::text[], $3::text[]) AS t(kind, id)),
                 unheld AS (DELETE FROM held_versions WHERE pusher = $1 AND (kind, id) IN (SELECT kind, id FROM taken))
            DELETE FROM push_refusals WHERE site = $1 AND (kind, id) IN (SELECT kind, id FROM taken)
            """, [site, .texts(accepted.map(\.kind)), .texts(accepted.map(\.id))])
        }
        let units = Dictionary(records.map { ("\($0.kind)/\($0.id)", $0.unit) }, uniquingKeysWith: { first, _ in first })
        for refusal in refused {
            try session.run("""
            INSERT INTO push_refusals (site, kind, id, unit, reason, refused_at, sync_number)
            VALUES ($1, $2, $3, $4, $5, $6, coalesce((SELECT finished_syncs FROM sites WHERE site = $1), 0))
            ON CONFLICT (site, kind, id) DO UPDATE SET unit = excluded.unit, reason = excluded.reason, refused_at = excluded.refused_at,
                sync_number = excluded.sync_number
            """, [site, .text(refusal.kind), .text(refusal.id), .text(units["\(refusal.kind)/\(refusal.id)"] ?? ""), .text(refusal.reason), .integer(now)])
        }
    }
}
