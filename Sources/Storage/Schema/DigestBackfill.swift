import RecordRules
import Records

/// Rows written before digests existed get theirs, and the per-unit digests are rebuilt from
/// the rows: run once after an upgrade, in one transaction.
enum DigestBackfill {
    static func run(_ connection: Connection) throws {
        try connection.transaction {
            var units: [String: (digest: Digest256, records: Int64)] = [:]
            for kind in RecordKind.allCases {
                let table = RecordTable(kind)
                for record in try table.list(connection, includeDeleted: true) {
                    let digest = record.digest ?? RecordDigest.of(kind: kind, id: record.id, unit: record.unit, version: record.version)
                    if record.digest == nil {
                        try connection.run("UPDATE \(table.name) SET digest = ? WHERE id = ?", [.text(digest.hex), .text(record.id)])
                    }
                    let current = units[record.unit] ?? (.zero, 0)
                    units[record.unit] = (current.digest ^ digest, current.records + 1)
                }
            }
            try connection.run("DELETE FROM unit_digests")
            for (unit, value) in units {
                try connection.run("INSERT INTO unit_digests (unit, digest, records) VALUES (?, ?, ?)",
                                   [.text(unit), .text(value.digest.hex), .integer(value.records)])
            }
        }
    }
}
