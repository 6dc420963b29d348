import Crypto
import Foundation
import Records
@testable import Storage
import Testing

@Suite("Schema and migrations")
struct SchemaTests {
    @Test("each record table has exactly the kind's fields, plus identity and version columns", arguments: RecordKind.allCases)
    func tableMatchesKind(kind: RecordKind) throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        let columns = try replica.withConnection { connection in
            try connection.rows("SELECT name FROM pragma_table_info(?)", [.text(kind.rawValue)]).compactMap { row -> String? in row[0].text }
        }
        let expected = ["seq", "id", "unit"] + kind.fields.map(\.name) + ["deleted", "conflicts", "vv", "clock", "siblings"]
        #expect(columns == expected)
    }

    /// A landed migration is never edited. If this fails, you changed a migration that
    /// replicas in the field have already applied: undo that and add a new migration instead.
    @Test("landed migrations are unchanged")
    func migrationsLocked() {
        let landed: [Int: String] = [
            1: "ba22371b1642a0f590b09e6ece40c7d117372c1a42f9db1c2f4dc2355debe429",
        ]
        for migration in Migrations.all {
            let digest = SHA256.hash(data: Data(migration.sql.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(landed[migration.version] == digest, "migration \(migration.version) \(migration.name)")
        }
    }

    @Test("a new replica records its schema version and is in WAL mode with foreign keys on")
    func pragmas() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        let (version, journal, foreignKeys, history) = try replica.withConnection { connection in
            (try connection.scalar("PRAGMA user_version").integer,
             try connection.scalar("PRAGMA journal_mode").text,
             try connection.scalar("PRAGMA foreign_keys").integer,
             try connection.rows("SELECT version FROM schema_migrations").count)
        }
        #expect(version == Int64(Migrations.latestVersion))
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(history == Migrations.all.count)
    }
}
