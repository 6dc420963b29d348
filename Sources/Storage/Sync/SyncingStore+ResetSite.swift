import Foundation
import Records
import SyncCore

/// What `reset-site` did.
public struct SiteReset: Sendable, Equatable {
    public let oldSite: String
    public let newSite: String
    /// Records whose unsynced work was re-issued under the new site.
    public let reissued: Int
    /// A copy of the file as it was before, kept in case anything is wanted from it.
    public let backupPath: String
}

extension SyncingStore {
    /// Gives this replica a new site id, for a file that was copied or restored from a backup
    /// and so shares its site id with another replica.
    ///
    /// What this replica had already synced is shared history and stays as it is. Each record
    /// with changes not yet acknowledged by the server is re-issued as a new write of the new
    /// site, holding the values it shows now: it meets the server's version as concurrent work,
    /// so values that differ become conflicts for a person to settle and nothing is lost. The
    /// file as it was is first copied beside itself.
    public func resetSite(to newSite: SiteID, now: Int64) throws(ReplicaError) -> SiteReset {
        let backup = database.path + ".before-reset-\(now).sqlite"
        try database.withConnection { connection in
            try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            try connection.run("VACUUM INTO ?", [.text(backup)])
        }
        return try database.write(now: now) { connection, session in
            let oldSite = session.site.rawValue
            let pushed = try connection.integer("SELECT push_seq FROM sync_state")
            let identity = try UnitStore.identity(connection)
            try connection.run("UPDATE replica SET site = ?, counter = 0", [.text(newSite.rawValue)])
            try connection.run("INSERT OR REPLACE INTO sites (site, device_name, unit, counter, seen_at) VALUES (?, ?, ?, 0, ?)",
                               [.text(newSite.rawValue), .text(identity.deviceName), .text(identity.unit.code), .integer(now)])
            session.adopt(newSite)
            var reissued = 0
            // Re-issued records move to new sequence numbers: stop at the ones that existed before.
            let ceiling = session.seq
            for kind in RecordKind.allCases {
                let table = RecordTable(kind)
                var after = pushed
                while true {
                    let batch = try table.changes(connection, after: after, pendingOnly: true, limit: 500, byteBudget: syncBatchByteBudget).records
                    let due = batch.filter { $0.seq <= ceiling }
                    guard let last = due.last else { break }
                    after = last.seq
                    for record in due {
                        var values: [String: String?] = [:]
                        for field in kind.fields { values.updateValue(record.values[field.name], forKey: field.name) }
                        values.updateValue(record.isDeleted ? "1" : "0", forKey: deletedField)
                        let version = RecordVersion.created(values, dot: session.nextDot(), at: now)
                        try table.update(connection, session, record, version: version)
                        reissued += 1
                    }
                }
            }
            return SiteReset(oldSite: oldSite, newSite: newSite.rawValue, reissued: reissued, backupPath: backup)
        }
    }
}
