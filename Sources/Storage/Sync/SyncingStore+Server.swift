import Records
import SyncCore

extension SyncingStore {
    /// Remembers the server, token and certificate authority `gongkai sync` uses when none is named.
    public func rememberServer(url: String, token: String, caCertificate: String?) throws(ReplicaError) {
        try database.withConnection { connection in
            // Only when something differs: a no-op sync then writes (and syncs to disk) nothing here.
            try connection.run("""
            UPDATE sync_state SET server_url = ?1, token = ?2, cacert = ?3
            WHERE server_url IS NOT ?1 OR token IS NOT ?2 OR cacert IS NOT ?3
            """, [.text(url), .text(token), caCertificate.sqlite])
        }
    }

    /// Remembers the device token alone (a laptop that syncs only by bundle has no server address).
    public func rememberToken(_ token: String) throws(ReplicaError) {
        try database.withConnection { connection in
            try connection.run("UPDATE sync_state SET token = ?1 WHERE token IS NOT ?1", [.text(token)])
        }
    }

    /// The device token remembered by `sync` or by `bundle export --token`.
    public func rememberedToken() throws(ReplicaError) -> String? {
        try database.withConnection { connection in try connection.row("SELECT token FROM sync_state").optionalText("token") }
    }

    /// When the last bundle reply was taken, and whether both sides then agreed.
    public func lastBundle() throws(ReplicaError) -> (at: Int64, converged: Bool)? {
        try database.withConnection { connection in
            let row = try connection.row("SELECT last_bundle, last_bundle_converged FROM sync_state")
            guard let at = try row.optionalInteger("last_bundle") else { return nil }
            return (at, try row.optionalInteger("last_bundle_converged") == 1)
        }
    }

    public func rememberedServer() throws(ReplicaError) -> (url: String, token: String, caCertificate: String?)? {
        try database.withConnection { connection in
            let row = try connection.row("SELECT server_url, token, cacert FROM sync_state")
            guard let url = try row.optionalText("server_url"), let token = try row.optionalText("token") else { return nil }
            return (url, token, try row.optionalText("cacert"))
        }
    }
}
