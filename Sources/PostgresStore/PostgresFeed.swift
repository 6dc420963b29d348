import Records
import SyncCore

/// The change feed on PostgreSQL. A position is (xid, seq): the transaction that wrote a row
/// and the number it took. Pages are read in that order, and only below the horizon: the oldest
/// transaction still running when the page's snapshot was taken. Every transaction below it has
/// ended, so every row it wrote is visible; every row written later has an xid at or above it,
/// so it comes after the position the reader stops at. A row committed out of order (number 41
/// committed after 42) is thus never passed over. A cursor names its position: mark
/// `EPOCH.XID`, seq. See docs/PROTOCOL.md.
struct PostgresFeed {
    let session: PostgresSession

    struct Position: Comparable {
        var xid: UInt64
        var seq: Int64
        static func < (a: Position, b: Position) -> Bool { (a.xid, a.seq) < (b.xid, b.seq) }
        static let start = Position(xid: 0, seq: 0)
    }

    /// Where `cursor` points, or nil when this store never issued it (another server's, or one
    /// from before a restore that changed the epoch).
    static func position(of cursor: SyncCursor, _ session: PostgresSession) throws -> Position? {
        try position(of: cursor, session, identity: try session.row("SELECT epoch, migrated_xid::text AS migrated FROM store_identity"))
    }

    /// `identity`: a row with the store's `epoch` and `migrated` (its `migrated_xid` as text).
    private static func position(of cursor: SyncCursor, _ session: PostgresSession, identity: PostgresSession.Row) throws -> Position? {
        // Position 0 is before everything, in every history.
        if cursor.seq == 0 && !cursor.mark.contains(".") { return .start }
        let parts = cursor.mark.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0] == (try identity.text("epoch")), let xid = UInt64(parts[1]) {
            return Position(xid: xid, seq: cursor.seq)
        }
        // A cursor a SQLite server issued before `admin migrate` moved it here: its rows came in
        // one transaction, with their numbers.
        guard let migrated = try identity.optionalText("migrated").flatMap(UInt64.init) else { return nil }
        let known = try session.rows("SELECT 1 FROM legacy_marks WHERE mark = $1 AND first_seq <= $2 AND last_seq >= $2",
                                     [.text(cursor.mark), .integer(cursor.seq)])
        return known.isEmpty ? nil : Position(xid: migrated, seq: cursor.seq)
    }

    /// A page, and whether a running transaction held its horizon back (below the snapshot's
    /// xmax).
    func page(after cursor: SyncCursor?, notFrom peer: SiteID, scope: SyncScope, limit: Int) throws -> (page: PullResponse, heldBack: Bool) {
        // The store's epoch and the horizon in one query (see `gongkai_feed_horizon`, schema 5).
        let query = """
        SELECT epoch, migrated_xid::text AS migrated, gongkai_feed_horizon()::text AS horizon,
               pg_snapshot_xmax(pg_current_snapshot())::text AS xmax FROM store_identity
        """
        let identity = try session.row(query)
        let horizon = try PostgresFeed.xid(identity, "horizon")
        let start = try cursor.flatMap { try PostgresFeed.position(of: $0, session, identity: identity) } ?? .start
        var conditions = ["(xid, seq) > ($1::xid8, $2)", "xid < $5::xid8", "(origin IS NULL OR origin <> $3)"]
        var binds: [Bind] = [.text(String(start.xid)), .integer(start.seq), .text(peer.rawValue), .integer(Int64(limit)), .text(String(horizon))]
        if let readable = scope.readable {
            // One unit (a village's device): a range of the (unit, xid, seq) index.
            conditions.append(readable.count == 1 ? "unit = $6" : "unit = ANY($6)")
            binds.append(readable.count == 1 ? .text(readable.first!) : .texts(readable.sorted()))
        }
        let rows = try session.rows("""
        SELECT \(PostgresRecordRow.columns) FROM records WHERE \(conditions.joined(separator: " AND ")) ORDER BY xid, seq LIMIT $4
        """, binds)
        var records: [RemoteRecord] = []
        var bytes = 0
        var position = start
        var more = rows.count == limit
        for row in rows {
            let record = try PostgresRecordRow(row)
            let remote = RemoteRecord(kind: record.kind.rawValue, id: record.id, unit: record.unit, version: record.version)
            let size = remote.contentBytes
            if !records.isEmpty && bytes + size > syncBatchByteBudget {
                more = true
                break
            }
            records.append(remote)
            bytes += size
            position = Position(xid: record.xid, seq: record.seq)
        }
        if !more {
            // Read to the end: the next page starts at the horizon (what lies before it and was
            // not sent is the puller's own or not its to read).
            position = max(position, Position(xid: horizon, seq: 0))
        }
        let epoch = try identity.text("epoch")
        let next = if let cursor, position == start { cursor } else { SyncCursor(mark: "\(epoch).\(position.xid)", seq: position.seq) }
        return (PullResponse(records: records, sites: try sites(of: records), units: try units(of: records), next: next, more: more),
                horizon < (try PostgresFeed.xid(identity, "xmax")))
    }

    private static func xid(_ row: PostgresSession.Row, _ column: String) throws -> UInt64 {
        let text = try row.text(column)
        guard let xid = UInt64(text) else { throw PostgresStoreError.corrupt("事务号 \(text) 无法读取") }
        return xid
    }

    private func sites(of records: [RemoteRecord]) throws -> [SiteInfo] {
        let wanted = Set(records.flatMap { $0.version.clock.counters.keys }).map(\.rawValue).sorted()
        guard !wanted.isEmpty else { return [] }
        return try session.rows("SELECT site, device_name, unit FROM sites WHERE site = ANY($1) ORDER BY site", [.texts(wanted)]).compactMap { row in
            guard let site = SiteID(try row.text("site")) else { return nil }
            return SiteInfo(site: site, deviceName: try row.text("device_name"), unit: try row.text("unit"))
        }
    }

    /// The records' units and the units above them (a replica places a unit below one it holds).
    private func units(of records: [RemoteRecord]) throws -> [UnitInfo] {
        let wanted = Set(records.map(\.unit)).sorted()
        guard !wanted.isEmpty else { return [] }
        return try session.rows("""
        WITH RECURSIVE chain (code) AS (SELECT unnest($1::text[]) UNION SELECT u.parent FROM units u JOIN chain c ON u.code = c.code WHERE u.parent IS NOT NULL)
        SELECT code, name, parent FROM units WHERE code IN (SELECT code FROM chain) ORDER BY code
        """, [.texts(wanted)]).map { row in
            UnitInfo(code: try row.text("code"), name: try row.text("name"), parent: try row.optionalText("parent"))
        }
    }
}
