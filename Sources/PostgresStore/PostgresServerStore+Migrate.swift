import Codecs
import RecordRules
import Records
import SyncCore

extension PostgresServerStore {
    /// Makes an empty database the store of a server whose whole content is `header` and the
    /// records `nextRecords` hands out (after a change number, in change order, empty at the
    /// end), in one transaction: all of it arrives, or nothing does. Records keep their numbers,
    /// all under this transaction's id, and the source's cursor marks are kept, so that laptops
    /// go on from their cursors. Each unit's digest, computed here from the records, must equal
    /// the source's: otherwise the move is refused (the source changed meanwhile, or lost data).
    public static func migrate(into location: PostgresLocation, header: ServerExport.Header,
                               nextRecords: (Int64) throws -> [ServerExport.Record],
                               progress: (Int) -> Void = { _ in }) throws -> PostgresServerStore {
        let pool = PostgresPool(location, connections: 2)
        _ = try PostgresSchema.migrate(pool)
        try pool.transaction { session in
            guard try session.rows("SELECT site FROM store_identity").isEmpty else {
                throw PostgresStoreError.alreadyAStore(location: location.description)
            }
            let identity = header.identity
            var generator = SystemRandomNumberGenerator()
            try session.run("""
            INSERT INTO store_identity (site, unit, device_name, epoch, counter, created_at, migrated_xid)
            VALUES ($1, $2, $3, $4, $5, $6, pg_current_xact_id())
            """, [.text(identity.site.rawValue), .text(identity.unit.code), .text(identity.deviceName), .text(Hex.string(generator.next() as UInt64)),
                  .integer(identity.counter), .integer(identity.createdAt)])
            for unit in header.units {
                try session.run("INSERT INTO units (code, name, parent, is_township) VALUES ($1, $2, $3, $4)",
                                [.text(unit.code), .text(unit.name), .text(unit.parent), .flag(unit.isTownship)])
            }
            for site in header.sites {
                try session.run("""
                INSERT INTO sites (site, device_name, unit, counter, seen_at, owner, synced_at, finished_syncs) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, [.text(site.site), .text(site.deviceName), .text(site.unit), .integer(site.counter), .integer(site.seenAt), .text(site.owner),
                      .integer(site.syncedAt), .integer(site.finishedSyncs)])
            }
            for token in header.tokens {
                try session.run("INSERT INTO device_tokens (hash, unit, issued_at, revoked_at, relay, bundle_key) VALUES ($1, $2, $3, $4, $5, $6)",
                                [.text(token.hash), .text(token.unit), .integer(token.issuedAt), .integer(token.revokedAt), .flag(token.relays),
                                 .text(token.bundleKey)])
            }
            for refusal in header.refusals {
                try session.run("""
                INSERT INTO push_refusals (site, kind, id, unit, reason, refused_at, sync_number) VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, [.text(refusal.site), .text(refusal.kind), .text(refusal.id), .text(refusal.unit), .text(refusal.reason),
                      .integer(refusal.refusedAt), .integer(refusal.syncNumber)])
            }
            for mark in header.marks {
                try session.run("INSERT INTO legacy_marks (mark, first_seq, last_seq) VALUES ($1, $2, $3) ON CONFLICT (mark) DO NOTHING",
                                [.text(mark.mark), .integer(mark.firstSeq), .integer(mark.lastSeq)])
            }
            for report in header.published {
                try session.run("""
                INSERT INTO published_report_versions (year, version, format_version, published_at, reason, report, model)
                VALUES ($1::bigint::integer, $2::bigint::integer, $3, $4, $5, $6, $7)
                """, [.integer(Int64(report.year)), .integer(Int64(report.version)), .text(report.formatVersion), .integer(report.publishedAt),
                      .text(report.reason), .text(report.report), .text(report.model)])
            }
            var digests: [String: Digest256] = [:]
            var after: Int64 = 0
            var moved = 0
            while case let batch = try nextRecords(after), !batch.isEmpty {
                let digestsOfBatch = batch.map { RecordDigest.of(kind: $0.kind, id: $0.id, unit: $0.unit, version: $0.version) }
                for (record, digest) in zip(batch, digestsOfBatch) { digests[record.unit] = (digests[record.unit] ?? .zero) ^ digest }
                let versions = batch.map { VersionColumns($0.version) }
                try session.run("""
                INSERT INTO records (kind, id, unit, seq, xid, origin, digest, deleted, conflicts, vv, clock, siblings, fields)
                SELECT kind, id, unit, seq, pg_current_xact_id(), nullif(origin, ''), digest, deleted, conflicts, vv, clock, nullif(siblings, ''), fields::jsonb
                FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::boolean[], $8::bigint[], $9::text[],
                            $10::text[], $11::text[], $12::text[])
                    AS w(kind, id, unit, seq, origin, digest, deleted, conflicts, vv, clock, siblings, fields)
                """, [.texts(batch.map(\.kind.rawValue)), .texts(batch.map(\.id)), .texts(batch.map(\.unit)), .integers(batch.map(\.seq)),
                      .texts(batch.map { $0.origin ?? "" }), .texts(digestsOfBatch.map(\.hex)), .flags(versions.map(\.deleted)),
                      .integers(versions.map { Int64($0.conflicts) }), .texts(versions.map(\.vv)), .texts(versions.map(\.clock)),
                      .texts(versions.map { $0.siblings ?? "" }), .texts(batch.map { PostgresRecordRow.fields(of: $0.version, kind: $0.kind) })])
                after = batch.map(\.seq).max()!
                moved += batch.count
                progress(moved)
            }
            guard moved == header.recordCount else {
                throw PostgresStoreError.corrupt("源数据库有 \(header.recordCount) 条记录, 读出了 \(moved) 条; 迁移期间请先停止 gongkai serve")
            }
            for unit in Set(digests.keys).union(header.unitDigests.keys).sorted() {
                let computed = (digests[unit] ?? .zero).hex
                guard computed == header.unitDigests[unit] ?? Digest256.zero.hex else {
                    throw PostgresStoreError.corrupt("单位 \(unit) 的记录与源数据库的摘要不符; 迁移期间请先停止 gongkai serve, 再重试")
                }
                try session.run("INSERT INTO unit_digests (unit, digest) VALUES ($1, $2)", [.text(unit), .text(computed)])
            }
            try session.run("SELECT setval('record_seq', greatest($1, 1))", [.integer(after)])
        }
        return PostgresServerStore(pool: pool)
    }

    /// The annual report's source: of the whole store (`unit` nil or the unit it serves), or of
    /// one of its units.
    public func reportSource(unit code: String? = nil) throws -> PostgresReportSource {
        let served = try servedUnit()
        guard let code, code != served.code else { return PostgresReportSource(pool: pool, unit: served, units: nil) }
        let (unit, tree) = try pool.withSession { session in
            (try session.rows("SELECT code, name, parent, is_township FROM units WHERE code = $1", [.text(code)]).first.map(PostgresServerStore.unit),
             try PostgresServerStore.tree(session))
        }
        guard let unit else { throw PostgresStoreError.unknownUnit(code: code) }
        // The unit and every unit below it (a township's villages).
        return PostgresReportSource(pool: pool, unit: unit, units: tree.subtree(of: unit.code).sorted())
    }
}
