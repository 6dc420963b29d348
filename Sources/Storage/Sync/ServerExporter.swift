import RecordRules
import Records
import SyncCore

/// A server's database read out whole for `gongkai admin migrate`: the header, then its records
/// in change order, a page at a time. Each call is one read; the server should be stopped while
/// it runs (the destination checks each unit's digest against the header's, so a file that
/// changed meanwhile is caught, not half-moved).
public struct ServerExporter: Sendable {
    let database: Database

    init(_ database: Database) {
        self.database = database
    }

    public func header() throws(ReplicaError) -> ServerExport.Header {
        try database.withReader { connection in
            let replica = try connection.row("SELECT site, counter, device_name, created_at FROM replica")
            guard let site = SiteID(try replica.text("site")) else { throw replica.problem("站点 id 无效") }
            let own = try UnitStore.identity(connection).unit
            let units = [own] + (try connection.rows("SELECT code, name, parent, is_township FROM units WHERE code <> ? ORDER BY code",
                                                      [.text(own.code)]).map(UnitStore.unit))
            let identity = ServerExport.Identity(site: site, unit: own, deviceName: try replica.text("device_name"),
                                                 counter: try replica.integer("counter"), createdAt: try replica.integer("created_at"))
            let sites = try connection.rows("SELECT site, device_name, unit, counter, seen_at, owner, synced_at, finished_syncs FROM sites ORDER BY site")
                .map { row throws(SQLiteError) in
                    ServerExport.Site(site: try row.text("site"), deviceName: try row.text("device_name"), unit: try row.text("unit"),
                                      counter: try row.integer("counter"), seenAt: try row.integer("seen_at"), owner: try row.optionalText("owner"),
                                      syncedAt: try row.optionalInteger("synced_at"), finishedSyncs: try row.integer("finished_syncs"))
                }
            let tokens = try connection.rows("SELECT hash, unit, issued_at, revoked_at, relay, bundle_key FROM device_tokens ORDER BY hash").map { row throws(SQLiteError) in
                ServerExport.Token(hash: try row.text("hash"), unit: try row.text("unit"), issuedAt: try row.integer("issued_at"),
                                   revokedAt: try row.optionalInteger("revoked_at"), relays: try row.flag("relay"),
                                   bundleKey: try row.optionalText("bundle_key"))
            }
            let refusals = try connection.rows("SELECT site, kind, id, unit, reason, refused_at, sync_number FROM push_refusals ORDER BY site, kind, id")
                .map { row throws(SQLiteError) in
                    ServerExport.Refusal(site: try row.text("site"), kind: try row.text("kind"), id: try row.text("id"), unit: try row.text("unit"),
                                         reason: try row.text("reason"), refusedAt: try row.integer("refused_at"), syncNumber: try row.integer("sync_number"))
                }
            // Both kinds of mark: a write's range, and a single position issued on its own.
            let marks = try connection.rows("SELECT mark, first_seq, last_seq FROM history_marks ORDER BY mark").map { row throws(SQLiteError) in
                ServerExport.Mark(mark: try row.text("mark"), firstSeq: try row.integer("first_seq"), lastSeq: try row.integer("last_seq"))
            } + (try connection.rows("SELECT mark, seq FROM cursor_marks ORDER BY mark").map { row throws(SQLiteError) in
                ServerExport.Mark(mark: try row.text("mark"), firstSeq: try row.integer("seq"), lastSeq: try row.integer("seq"))
            })
            let published = try connection.rows("""
                SELECT year, version, format_version, published_at, reason, report, model FROM published_report_versions ORDER BY year, version
                """).map { row throws(SQLiteError) in
                ServerExport.PublishedReport(year: try row.int("year"), version: try row.int("version"), formatVersion: try row.text("format_version"),
                                             publishedAt: try row.integer("published_at"), reason: try row.optionalText("reason"),
                                             report: try row.text("report"), model: try row.optionalText("model"))
            }
            let digests = Dictionary(uniqueKeysWithValues: try connection.rows("SELECT unit, digest FROM unit_digests").map { row throws(SQLiteError) in
                (try row.text("unit"), try row.text("digest"))
            })
            var count = 0
            for kind in RecordKind.allCases { count += Int(try connection.integer("SELECT count(*) FROM \(RecordTable.name(of: kind))")) }
            return ServerExport.Header(identity: identity, units: units, sites: sites, tokens: tokens, refusals: refusals, marks: marks,
                                       published: published, unitDigests: digests, recordCount: count)
        }
    }

    /// The records after change number `seq`, in change order, at most about `limit`.
    public func records(after seq: Int64, limit: Int) throws(ReplicaError) -> [ServerExport.Record] {
        try database.withReader { connection in
            try ChangeWindow(connection, after: seq, pendingOnly: false, limit: limit, byteBudget: 64 << 20).records.map { stored in
                ServerExport.Record(kind: stored.kind, id: stored.id, unit: stored.unit, seq: stored.seq, origin: stored.origin, version: stored.version)
            }
        }
    }
}
