import Codecs
import RecordRules
import Records
import SyncCore

/// A county's (or a large township's) server database on PostgreSQL: what `serve`, `admin` and
/// `report` open with `--store URL`. Every process that opens the same database shares all of
/// its state through it (sites, counters, cursors, tokens), so several may serve at once.
public struct PostgresServerStore: Sendable {
    let pool: PostgresPool
    /// The store's side of sync, for `SyncService` and the HTTP server.
    public var serving: PostgresServingStore { PostgresServingStore(pool: pool) }

    init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Opens the store at `location`, bringing its schema up to date.
    public static func open(_ location: PostgresLocation, connections: Int = 8) throws -> PostgresServerStore {
        let pool = PostgresPool(location, connections: connections)
        _ = try PostgresSchema.migrate(pool)
        let identities = try pool.withSession { session in try session.rows("SELECT site FROM store_identity") }
        guard !identities.isEmpty else { throw PostgresStoreError.notAStore(location: location.description) }
        return PostgresServerStore(pool: pool)
    }

    /// Makes an empty database the server store of `unit` (the township or county whose server
    /// it is), with its own site.
    public static func create(_ location: PostgresLocation, unit: GovernmentUnit, site: SiteID, deviceName: String, now: Int64,
                              connections: Int = 8) throws -> PostgresServerStore {
        let pool = PostgresPool(location, connections: connections)
        _ = try PostgresSchema.migrate(pool)
        try pool.transaction { session in
            guard try session.rows("SELECT site FROM store_identity").isEmpty else {
                throw PostgresStoreError.alreadyAStore(location: location.description)
            }
            var generator = SystemRandomNumberGenerator()
            try session.run("""
            INSERT INTO store_identity (site, unit, device_name, epoch, created_at) VALUES ($1, $2, $3, $4, $5)
            """, [.text(site.rawValue), .text(unit.code), .text(deviceName), .text(Hex.string(generator.next() as UInt64)), .integer(now)])
            try session.run("INSERT INTO units (code, name, parent, is_township) VALUES ($1, $2, $3, true)",
                            [.text(unit.code), .text(unit.name), .text(unit.parent)])
        }
        return PostgresServerStore(pool: pool)
    }

    /// Where the store is (never its password).
    public var location: PostgresLocation { pool.location }

    /// Closes the store's idle connections.
    public func close() { pool.close() }

    /// Registers a unit below the server's own: a village of the township (`parent` nil), or
    /// any unit below one registered (a county's townships and their villages).
    public func addVillage(code: String, name: String, parent: String? = nil) throws -> GovernmentUnit {
        try pool.transaction { session in
            let own = try session.row("SELECT unit FROM store_identity").text("unit")
            let parent = parent ?? own
            if let problem = GovernmentUnit(code: code, name: name, parent: parent).problem { throw PostgresStoreError.invalidUnit(problem) }
            guard try session.rows("SELECT 1 FROM units WHERE code = $1", [.text(code)]).isEmpty else {
                throw PostgresStoreError.unitExists(code: code)
            }
            guard try PostgresServerStore.tree(session).contains(parent, within: own) else {
                throw PostgresStoreError.unknownParent(code: parent, own: own)
            }
            try session.run("INSERT INTO units (code, name, parent, is_township) VALUES ($1, $2, $3, false)",
                            [.text(code), .text(name), .text(parent)])
            return GovernmentUnit(code: code, name: name, parent: parent, isTownship: false)
        }
    }

    /// Every unit, the served one first, then by code, with its live records and its devices'
    /// last syncs by network and by file (`admin list-units`).
    public func unitSummaries() throws -> [UnitSummary] {
        try pool.withSession { session in
            let served = try session.row("SELECT unit FROM store_identity").text("unit")
            var counts: [String: Int] = [:]
            for row in try session.rows("SELECT unit, count(*) AS records FROM records WHERE NOT deleted GROUP BY unit") {
                counts[try row.text("unit")] = Int(try row.integer("records"))
            }
            var synced: [String: Int64] = [:], bundled: [String: Int64] = [:]
            for row in try session.rows("SELECT unit, max(synced_at) AS synced_at, max(bundled_at) AS bundled_at FROM sites GROUP BY unit") {
                synced[try row.text("unit")] = try row.optionalInteger("synced_at")
                bundled[try row.text("unit")] = try row.optionalInteger("bundled_at")
            }
            let units = try session.rows("SELECT code, name, parent, is_township FROM units ORDER BY code COLLATE \"C\"").map(PostgresServerStore.unit)
            return (units.filter { $0.code == served } + units.filter { $0.code != served }).map { unit in
                UnitSummary(unit: unit, records: counts[unit.code] ?? 0, lastSync: synced[unit.code], lastBundle: bundled[unit.code])
            }
        }
    }

    /// The server's units as a tree.
    static func tree(_ session: PostgresSession) throws -> UnitTree {
        UnitTree(try session.rows("SELECT code, parent FROM units").map { row in
            (code: try row.text("code"), parent: try row.optionalText("parent"))
        })
    }

    /// Registers a device token for a unit (only its hash is kept, and its bundle key sealed with
    /// the server's secret). `relays`: the token of a server below this one (a township's syncing
    /// up), which speaks for every site of its unit's subtree.
    public func issueToken(_ token: String, unit code: String, relays: Bool = false, secret: ServerSecret, now: Int64) throws -> GovernmentUnit {
        try pool.transaction { session in
            guard let row = try session.rows("SELECT code, name, parent, is_township FROM units WHERE code = $1", [.text(code)]).first else {
                throw PostgresStoreError.unknownUnit(code: code)
            }
            let hash = DeviceToken.hash(of: token)
            let sealed = BundleKey.seal(BundleKey.derive(token: token), tokenHash: hash, secret: secret)
            try session.run("INSERT INTO device_tokens (hash, unit, issued_at, relay, bundle_key) VALUES ($1, $2, $3, $4, $5)",
                            [.text(hash), .text(code), .integer(now), .flag(relays), .text(sealed)])
            return try PostgresServerStore.unit(row)
        }
    }

    /// Revokes a token: requests carrying it are refused from now on. Returns its unit.
    public func revokeToken(_ token: String, now: Int64) throws -> String {
        try revokeToken(hash: DeviceToken.hash(of: token), now: now)
    }

    /// Revokes the token whose id (`admin list-tokens`: the start of its hash) is `id`.
    public func revokeToken(id: String, now: Int64) throws -> String {
        let hashes = try pool.withSession { session in
            try session.rows("SELECT hash FROM device_tokens WHERE left(hash, $1::integer) = $2",
                             [.integer(Int64(id.utf8.count)), .text(id.lowercased())]).map { try $0.text("hash") }
        }
        guard id.utf8.count >= 6, hashes.count == 1 else {
            throw hashes.isEmpty || id.utf8.count < 6 ? PostgresStoreError.unknownToken : PostgresStoreError.ambiguousTokenID(id)
        }
        return try revokeToken(hash: hashes[0], now: now)
    }

    private func revokeToken(hash: String, now: Int64) throws -> String {
        try pool.transaction { session in
            guard let row = try session.rows("SELECT unit FROM device_tokens WHERE hash = $1 FOR UPDATE", [.text(hash)]).first else {
                throw PostgresStoreError.unknownToken
            }
            try session.run("UPDATE device_tokens SET revoked_at = coalesce(revoked_at, $1) WHERE hash = $2", [.integer(now), .text(hash)])
            return try row.text("unit")
        }
    }

    /// Every token issued, by issue time: never the token, only its id.
    public func deviceTokens() throws -> [DeviceToken] {
        try pool.withSession { session in
            let sites = try session.rows("SELECT owner, device_name, synced_at FROM sites WHERE owner IS NOT NULL ORDER BY device_name")
            return try session.rows("SELECT hash, unit, issued_at, revoked_at, bundle_key IS NOT NULL AS keyed FROM device_tokens ORDER BY issued_at, hash").map { row in
                let hash = try row.text("hash")
                let owned = try sites.filter { try $0.text("owner") == hash }
                return DeviceToken(id: String(hash.prefix(DeviceToken.idLength)), unit: try row.text("unit"),
                                   devices: try owned.map { try $0.text("device_name") }, issuedAt: try row.integer("issued_at"),
                                   revokedAt: try row.optionalInteger("revoked_at"),
                                   lastSync: try owned.compactMap { try $0.optionalInteger("synced_at") }.max(),
                                   signsBundlesWithKey: try row.flag("keyed"))
            }
        }
    }

    /// How many records of `kind` the store holds (deleted ones included).
    public func recordCount(of kind: RecordKind) throws -> Int {
        try pool.withSession { session in
            Int(try session.row("SELECT count(*) AS records FROM records WHERE kind = $1", [.text(kind.rawValue)]).integer("records"))
        }
    }

    /// The unit this server serves.
    public func servedUnit() throws -> GovernmentUnit {
        try pool.withSession { session in
            try PostgresServerStore.unit(try session.row("SELECT u.code, u.name, u.parent, u.is_township FROM store_identity i JOIN units u ON u.code = i.unit"))
        }
    }

    static func unit(_ row: PostgresSession.Row) throws -> GovernmentUnit {
        GovernmentUnit(code: try row.text("code"), name: try row.text("name"), parent: try row.optionalText("parent"),
                       isTownship: try row.flag("is_township"))
    }

    static func info(_ unit: GovernmentUnit) -> UnitInfo {
        UnitInfo(code: unit.code, name: unit.name, parent: unit.parent)
    }
}

extension PostgresServerStore {
    /// Every token hash held, with when it was revoked (nil: valid).
    public func tokenStates() throws -> [String: Int64?] {
        try pool.withSession { session in
            var states: [String: Int64?] = [:]
            for row in try session.rows("SELECT hash, revoked_at FROM device_tokens") { states[try row.text("hash")] = try row.optionalInteger("revoked_at") }
            return states
        }
    }

    /// Makes the database agree with the token journal, as `DeviceStore.apply` does.
    public func apply(_ plan: TokenJournal.Plan) throws -> [TokenJournal.Issued] {
        try pool.transaction { session in
            var missingUnit: [TokenJournal.Issued] = []
            for token in plan.reinstate {
                guard !(try session.rows("SELECT 1 FROM units WHERE code = $1", [.text(token.unit)]).isEmpty) else {
                    missingUnit.append(token)
                    continue
                }
                try session.run("""
                INSERT INTO device_tokens (hash, unit, issued_at, relay, bundle_key) VALUES ($1, $2, $3, $4, nullif($5, ''))
                ON CONFLICT (hash) DO NOTHING
                """, [.text(token.hash), .text(token.unit), .integer(token.at), .flag(token.relays), .text(token.sealedKey ?? "")])
            }
            for (hash, at) in plan.revoke {
                try session.run("UPDATE device_tokens SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL", [.integer(at), .text(hash)])
            }
            return missingUnit
        }
    }
}
