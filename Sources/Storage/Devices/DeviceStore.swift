import RecordRules
import Records
import SyncCore

/// Device tokens on a server: issued (only their hash kept), revoked, listed, and checked.
public struct DeviceStore: Sendable {
    let database: Database

    init(_ database: Database) {
        self.database = database
    }

    /// Registers a device token for a unit of this server. Only the token's hash is stored, and
    /// the device's bundle key sealed with the server's secret (`BundleKey`), never the token.
    /// `relays`: the token of a server below this one (a township's syncing to its county),
    /// which speaks for every site of its unit's subtree.
    public func issueToken(_ token: String, unit code: String, relays: Bool = false, secret: ServerSecret, now: Int64) throws(ReplicaError) -> GovernmentUnit {
        try database.withConnection { connection in
            try connection.transaction {
                guard let row = try connection.rows("SELECT code, name, parent, is_township FROM units WHERE code = ?", [.text(code)]).first else {
                    throw ReplicaError.unknownUnit(code: code)
                }
                let hash = DeviceStore.tokenHash(token)
                let sealed = BundleKey.seal(BundleKey.derive(token: token), tokenHash: hash, secret: secret)
                try connection.run("INSERT INTO device_tokens (hash, unit, issued_at, relay, bundle_key) VALUES (?, ?, ?, ?, ?)",
                                   [.text(hash), .text(code), .integer(now), .integer(relays ? 1 : 0), .text(sealed)])
                return try UnitStore.unit(row)
            }
        }
    }

    /// Revokes a token: requests carrying it are refused from now on, and a token of the same
    /// unit may take over the sites it owned (the laptop given a new token). Returns its unit.
    public func revokeToken(_ token: String, now: Int64) throws(ReplicaError) -> String {
        try revokeToken(hash: DeviceStore.tokenHash(token), now: now)
    }

    /// Revokes the token whose id (`admin list-tokens`: the start of its hash) is `id`.
    public func revokeToken(id: String, now: Int64) throws(ReplicaError) -> String {
        let hashes = try database.withConnection { connection in
            try connection.rows("SELECT hash FROM device_tokens WHERE substr(hash, 1, ?) = ?", [.integer(Int64(id.utf8.count)), .text(id.lowercased())])
                .map { row throws(SQLiteError) in try row.text("hash") }
        }
        guard id.utf8.count >= 6, hashes.count == 1 else {
            throw hashes.isEmpty || id.utf8.count < 6 ? ReplicaError.unknownToken : ReplicaError.ambiguousTokenID(id)
        }
        return try revokeToken(hash: hashes[0], now: now)
    }

    private func revokeToken(hash: String, now: Int64) throws(ReplicaError) -> String {
        try database.withConnection { connection in
            try connection.transaction {
                guard let row = try connection.rows("SELECT unit, revoked_at FROM device_tokens WHERE hash = ?", [.text(hash)]).first else {
                    throw ReplicaError.unknownToken
                }
                if try row.optionalInteger("revoked_at") == nil {
                    try connection.run("UPDATE device_tokens SET revoked_at = ? WHERE hash = ?", [.integer(now), .text(hash)])
                }
                return try row.text("unit")
            }
        }
    }

    /// Every token this server issued, by issue time: never the token, only its id.
    public func deviceTokens() throws(ReplicaError) -> [DeviceToken] {
        try database.withConnection { connection in
            let sites = try connection.rows("SELECT owner, device_name, synced_at FROM sites WHERE owner IS NOT NULL ORDER BY device_name")
            return try connection.rows("SELECT hash, unit, issued_at, revoked_at, bundle_key IS NOT NULL AS keyed FROM device_tokens ORDER BY issued_at, hash").map { row in
                let hash = try row.text("hash")
                let owned = try sites.filter { site throws(SQLiteError) in try site.text("owner") == hash }
                return DeviceToken(id: String(hash.prefix(DeviceToken.idLength)), unit: try row.text("unit"),
                                   devices: try owned.map { site throws(SQLiteError) in try site.text("device_name") },
                                   issuedAt: try row.integer("issued_at"), revokedAt: try row.optionalInteger("revoked_at"),
                                   lastSync: try owned.compactMap { site throws(SQLiteError) in try site.optionalInteger("synced_at") }.max(),
                                   signsBundlesWithKey: try row.flag("keyed"))
            }
        }
    }

    /// What a presented token allows (a read: it never waits for a write in progress).
    public func access(forToken token: String) throws(ReplicaError) -> TokenCheck {
        try access(forHash: DeviceStore.tokenHash(token))
    }

    /// What the token of this hash allows.
    func access(forHash hash: String) throws(ReplicaError) -> TokenCheck {
        try database.withReader { connection in
            let rows = try connection.rows("""
            SELECT t.revoked_at, t.relay, u.code, u.name, u.parent, u.is_township,
                   EXISTS (SELECT 1 FROM units c WHERE c.parent = u.code) AS has_children,
                   EXISTS (SELECT 1 FROM units p WHERE p.code = u.parent) AS has_parent
            FROM device_tokens t JOIN units u ON u.code = t.unit WHERE t.hash = ?
            """, [.text(hash)])
            guard let row = rows.first else { return .unknown }
            if try row.optionalInteger("revoked_at") != nil { return .revoked }
            let unit = try UnitStore.unit(row)
            // A village (no unit below it, one above): the tree around it is all the rule needs,
            // and a request of a county's hundreds of villages reads no other unit.
            let tree = try row.flag("has_parent") && !row.flag("has_children")
                ? UnitTree([(unit.code, unit.parent), (unit.parent!, nil)]) : try UnitStore.tree(connection)
            return .valid(DeviceAccess(unit: UnitStore.info(unit), scope: .of(unit: unit.code, in: tree), device: hash,
                                       relays: try row.flag("relay")))
        }
    }

    /// The token a bundle file names (`DeviceToken.bundleName(ofHash:)`): its hash, its bundle
    /// key as sealed, and what it allows; nil when this server never issued it.
    public func bundleToken(named name: String) throws(ReplicaError) -> BundleToken? {
        let tokens = try database.withReader { connection in
            try connection.rows("SELECT hash, bundle_key FROM device_tokens").map { row throws(SQLiteError) in
                (hash: try row.text("hash"), sealed: try row.optionalText("bundle_key"))
            }
        }
        guard let token = tokens.first(where: { DeviceToken.bundleName(ofHash: $0.hash) == name }) else { return nil }
        return BundleToken(hash: token.hash, sealedKey: token.sealed, access: try access(forHash: token.hash))
    }

    /// Whether any token's bundle key is sealed here (then the server's secret is needed to read them).
    public func holdsBundleKeys() throws(ReplicaError) -> Bool {
        try database.withReader { connection in try connection.integer("SELECT count(*) FROM device_tokens WHERE bundle_key IS NOT NULL") > 0 }
    }

    static func tokenHash(_ token: String) -> String { DeviceToken.hash(of: token) }

    /// Whether this is a server's database (it has issued device tokens), so that the sync
    /// times it keeps for each village mean something.
    public func servesDevices() throws(ReplicaError) -> Bool {
        try database.withConnection { connection in try connection.integer("SELECT count(*) FROM device_tokens") > 0 }
    }
}

extension DeviceStore {
    /// Every token hash held, with when it was revoked (nil: valid): what `TokenJournal.plan`
    /// compares with the journal.
    public func tokenStates() throws(ReplicaError) -> [String: Int64?] {
        try database.withConnection { connection in
            var states: [String: Int64?] = [:]
            for row in try connection.rows("SELECT hash, revoked_at FROM device_tokens") { states[try row.text("hash")] = try row.optionalInteger("revoked_at") }
            return states
        }
    }

    /// Makes the database agree with the token journal, in one transaction: tokens issued after
    /// the copy it was restored from are put back (those of a unit it no longer has are
    /// returned, not put back), revocations it lacks are made again.
    public func apply(_ plan: TokenJournal.Plan) throws(ReplicaError) -> [TokenJournal.Issued] {
        try database.withConnection { connection in
            try connection.transaction {
                var missingUnit: [TokenJournal.Issued] = []
                for token in plan.reinstate {
                    guard !(try connection.rows("SELECT 1 FROM units WHERE code = ?", [.text(token.unit)]).isEmpty) else {
                        missingUnit.append(token)
                        continue
                    }
                    try connection.run("INSERT OR IGNORE INTO device_tokens (hash, unit, issued_at, relay, bundle_key) VALUES (?, ?, ?, ?, ?)",
                                       [.text(token.hash), .text(token.unit), .integer(token.at), .integer(token.relays ? 1 : 0),
                                        token.sealedKey.map(SQLiteValue.text) ?? .null])
                }
                for (hash, at) in plan.revoke {
                    try connection.run("UPDATE device_tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL", [.integer(at), .text(hash)])
                }
                return missingUnit
            }
        }
    }
}
