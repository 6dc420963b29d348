import Crypto
import Records
import SyncCore

/// What a device token lets its holder do on this server.
public struct DeviceAccess: Sendable, Equatable {
    public let unit: GovernmentUnit
    /// A township device sees the whole township; a village device only its own unit.
    public let scope: SyncScope
    /// The token's hash: the device's identity, to which the sites it names are bound.
    public let device: String

    /// The peer the sync protocol serves.
    public var peer: SyncPeer { SyncPeer(scope: scope, device: device) }
}

/// A token as `admin list-tokens` shows it.
public struct DeviceToken: Sendable, Equatable {
    /// How many hex digits of the token's hash name it.
    public static let idLength = 12

    public let id: String
    public let unit: String
    /// The names of the devices whose sites it owns (none until it first syncs).
    public let devices: [String]
    public let issuedAt: Int64
    public let revokedAt: Int64?
    /// When a device of it last finished a sync.
    public let lastSync: Int64?
}

public enum TokenCheck: Sendable, Equatable {
    case valid(DeviceAccess)
    case revoked
    case unknown
}

extension Replica {
    /// Registers a device token for a unit of this server. Only the token's hash is stored.
    public func issueToken(_ token: String, unit code: String, now: Int64) throws(ReplicaError) -> GovernmentUnit {
        try withConnection { connection in
            guard let row = try connection.rows("SELECT name, parent, is_township FROM units WHERE code = ?", [.text(code)]).first else {
                throw ReplicaError.unknownUnit(code: code)
            }
            try connection.run("INSERT INTO device_tokens (hash, unit, issued_at) VALUES (?, ?, ?)",
                               [.text(Replica.tokenHash(token)), .text(code), .integer(now)])
            return GovernmentUnit(code: code, name: row[0].text ?? "", parent: row[1].text, isTownship: row[2].integer == 1)
        }
    }

    /// Revokes a token: requests carrying it are refused from now on, and a token of the same
    /// unit may take over the sites it owned (the laptop given a new token). Returns its unit.
    public func revokeToken(_ token: String, now: Int64) throws(ReplicaError) -> String {
        try revokeToken(hash: Replica.tokenHash(token), now: now)
    }

    /// Revokes the token whose id (`admin list-tokens`: the start of its hash) is `id`.
    public func revokeToken(id: String, now: Int64) throws(ReplicaError) -> String {
        let hashes = try withConnection { connection in
            try connection.rows("SELECT hash FROM device_tokens WHERE substr(hash, 1, ?) = ?", [.integer(Int64(id.utf8.count)), .text(id.lowercased())])
                .compactMap { $0[0].text }
        }
        guard id.utf8.count >= 6, hashes.count == 1 else {
            throw hashes.isEmpty || id.utf8.count < 6 ? ReplicaError.unknownToken : ReplicaError.ambiguousTokenID(id)
        }
        return try revokeToken(hash: hashes[0], now: now)
    }

    private func revokeToken(hash: String, now: Int64) throws(ReplicaError) -> String {
        try withConnection { connection in
            guard let row = try connection.rows("SELECT unit, revoked_at FROM device_tokens WHERE hash = ?", [.text(hash)]).first else {
                throw ReplicaError.unknownToken
            }
            if row[1].integer == nil {
                try connection.run("UPDATE device_tokens SET revoked_at = ? WHERE hash = ?", [.integer(now), .text(hash)])
            }
            return row[0].text ?? ""
        }
    }

    /// Every token this server issued, by issue time: never the token, only its id.
    public func deviceTokens() throws(ReplicaError) -> [DeviceToken] {
        try withConnection { connection in
            let sites = try connection.rows("SELECT owner, device_name, synced_at FROM sites WHERE owner IS NOT NULL ORDER BY device_name")
            return try connection.rows("SELECT hash, unit, issued_at, revoked_at FROM device_tokens ORDER BY issued_at, hash").map { row in
                let hash = row[0].text ?? ""
                let owned = sites.filter { $0[0].text == hash }
                return DeviceToken(id: String(hash.prefix(DeviceToken.idLength)), unit: row[1].text ?? "", devices: owned.compactMap { $0[1].text },
                                   issuedAt: row[2].integer ?? 0, revokedAt: row[3].integer,
                                   lastSync: owned.compactMap { $0[2].integer }.max())
            }
        }
    }

    /// What a presented token allows (a read: it never waits for a write in progress).
    public func access(forToken token: String) throws(ReplicaError) -> TokenCheck {
        let hash = Replica.tokenHash(token)
        return try withReader { connection in
            let rows = try connection.rows("""
            SELECT t.revoked_at, u.code, u.name, u.parent, u.is_township FROM device_tokens t JOIN units u ON u.code = t.unit
            WHERE t.hash = ?
            """, [.text(hash)])
            guard let row = rows.first else { return .unknown }
            if row[0].integer != nil { return .revoked }
            let unit = GovernmentUnit(code: row[1].text ?? "", name: row[2].text ?? "", parent: row[3].text, isTownship: row[4].integer == 1)
            let scope = unit.isTownship ? SyncScope.everything : SyncScope(readable: [unit.code], writable: [unit.code])
            return .valid(DeviceAccess(unit: unit, scope: scope, device: hash))
        }
    }

    static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
    }

    /// Remembers the server, token and certificate authority `gongkai sync` uses when none is named.
    public func rememberServer(url: String, token: String, caCertificate: String?) throws(ReplicaError) {
        try withConnection { connection in
            try connection.run("UPDATE sync_state SET server_url = ?, token = ?, cacert = ?", [.text(url), .text(token), caCertificate.sqlite])
        }
    }

    public func rememberedServer() throws(ReplicaError) -> (url: String, token: String, caCertificate: String?)? {
        try withConnection { connection in
            let row = try connection.rows("SELECT server_url, token, cacert FROM sync_state")[0]
            guard let url = row[0].text, let token = row[1].text else { return nil }
            return (url, token, row[2].text)
        }
    }
}
