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

    /// Revokes a token: requests carrying it are refused from now on. Returns its unit.
    public func revokeToken(_ token: String, now: Int64) throws(ReplicaError) -> String {
        try withConnection { connection in
            let hash = Replica.tokenHash(token)
            guard let row = try connection.rows("SELECT unit, revoked_at FROM device_tokens WHERE hash = ?", [.text(hash)]).first else {
                throw ReplicaError.unknownToken
            }
            if row[1].integer == nil {
                try connection.run("UPDATE device_tokens SET revoked_at = ? WHERE hash = ?", [.integer(now), .text(hash)])
            }
            return row[0].text ?? ""
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

    /// Remembers the server and token `gongkai sync` uses when none is named.
    public func rememberServer(url: String, token: String) throws(ReplicaError) {
        try withConnection { connection in
            try connection.run("UPDATE sync_state SET server_url = ?, token = ?", [.text(url), .text(token)])
        }
    }

    public func rememberedServer() throws(ReplicaError) -> (url: String, token: String)? {
        try withConnection { connection in
            let row = try connection.rows("SELECT server_url, token FROM sync_state")[0]
            guard let url = row[0].text, let token = row[1].text else { return nil }
            return (url, token)
        }
    }
}
