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

    public func rememberedServer() throws(ReplicaError) -> (url: String, token: String, caCertificate: String?)? {
        try database.withConnection { connection in
            let row = try connection.row("SELECT server_url, token, cacert FROM sync_state")
            guard let url = try row.optionalText("server_url"), let token = try row.optionalText("token") else { return nil }
            return (url, token, try row.optionalText("cacert"))
        }
    }
}
