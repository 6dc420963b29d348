import Codecs
import Crypto
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

    /// Closes the store's idle connections.
    public func close() { pool.close() }

    /// Registers a village of the server's unit.
    public func addVillage(code: String, name: String) throws -> GovernmentUnit {
        try pool.transaction { session in
            let parent = try session.row("SELECT unit FROM store_identity").text("unit")
            guard try session.rows("SELECT 1 FROM units WHERE code = $1", [.text(code)]).isEmpty else {
                throw PostgresStoreError.unitExists(code: code)
            }
            try session.run("INSERT INTO units (code, name, parent, is_township) VALUES ($1, $2, $3, false)",
                            [.text(code), .text(name), .text(parent)])
            return GovernmentUnit(code: code, name: name, parent: parent, isTownship: false)
        }
    }

    /// Registers a device token for a unit (only its hash is kept).
    public func issueToken(_ token: String, unit code: String, now: Int64) throws -> GovernmentUnit {
        try pool.transaction { session in
            guard let row = try session.rows("SELECT code, name, parent, is_township FROM units WHERE code = $1", [.text(code)]).first else {
                throw PostgresStoreError.unknownUnit(code: code)
            }
            try session.run("INSERT INTO device_tokens (hash, unit, issued_at) VALUES ($1, $2, $3)",
                            [.text(PostgresServerStore.tokenHash(token)), .text(code), .integer(now)])
            return try PostgresServerStore.unit(row)
        }
    }

    /// Revokes a token; returns its unit.
    public func revokeToken(_ token: String, now: Int64) throws -> String {
        try pool.transaction { session in
            let hash = PostgresServerStore.tokenHash(token)
            guard let row = try session.rows("SELECT unit FROM device_tokens WHERE hash = $1 FOR UPDATE", [.text(hash)]).first else {
                throw PostgresStoreError.unknownToken
            }
            try session.run("UPDATE device_tokens SET revoked_at = coalesce(revoked_at, $1) WHERE hash = $2", [.integer(now), .text(hash)])
            return try row.text("unit")
        }
    }

    /// The token's hash: what is stored, and the device's identity. The same as the SQLite store's.
    static func tokenHash(_ token: String) -> String {
        Hex.string(Array(SHA256.hash(data: Array(token.utf8))))
    }

    static func unit(_ row: PostgresSession.Row) throws -> GovernmentUnit {
        GovernmentUnit(code: try row.text("code"), name: try row.text("name"), parent: try row.optionalText("parent"),
                       isTownship: try row.flag("is_township"))
    }

    static func info(_ unit: GovernmentUnit) -> UnitInfo {
        UnitInfo(code: unit.code, name: unit.name, parent: unit.parent)
    }
}
