import RecordRules
import SyncCore

/// A server's pushed versions held back until their other devices show their part
/// (`Vouching`), in `held_versions`; written inside a push's transaction.
enum HeldVersions {
    static func load(_ connection: Connection, kind: String, id: String, unit: String) throws -> [HeldVersion] {
        try connection.rows("SELECT pusher, sites, version FROM held_versions WHERE kind = ? AND id = ? AND unit = ?",
                            [.text(kind), .text(id), .text(unit)]).compactMap { row throws(SQLiteError) in
            HeldVersionText.held(pusher: try row.text("pusher"), sites: try row.text("sites"), version: try row.text("version"))
        }
    }

    static func keep(_ connection: Connection, kind: String, id: String, unit: String, _ held: HeldVersion, now: Int64) throws {
        try connection.run("INSERT OR REPLACE INTO held_versions (kind, id, pusher, unit, sites, version, held_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [.text(kind), .text(id), .text(held.pusher.rawValue), .text(unit), .text(HeldVersionText.sites(held.sites)),
                            .text(HeldVersionText.version(held.version)), .integer(now)])
    }

    /// Forgets the held versions of `pushers` for this record, and their refusals of it: their
    /// part is now on the server (or was forged).
    static func release(_ connection: Connection, kind: String, id: String, pushers: Set<SiteID>) throws {
        for pusher in pushers {
            let bound: [SQLiteValue] = [.text(kind), .text(id), .text(pusher.rawValue)]
            try connection.run("DELETE FROM held_versions WHERE kind = ? AND id = ? AND pusher = ?", bound)
            try connection.run("DELETE FROM push_refusals WHERE kind = ? AND id = ? AND site = ?", bound)
        }
    }
}
