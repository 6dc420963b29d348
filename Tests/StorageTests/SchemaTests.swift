import Crypto
import Foundation
import RecordRules
import Records
@testable import Storage
import SyncCore
import Testing
import TestSupport

@Suite("Schema and migrations")
struct SchemaTests {
    @Test("each record table has exactly the kind's fields, plus identity and version columns", arguments: RecordKind.allCases)
    func tableMatchesKind(kind: RecordKind) throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        let columns = try replica.database.withConnection { connection in
            try connection.rows("SELECT name FROM pragma_table_info(?)", [.text(kind.rawValue)]).map { row throws(SQLiteError) in try row.text("name") }
        }
        let expected = ["seq", "id", "unit"] + kind.fields.map(\.name) + ["deleted", "conflicts", "vv", "clock", "siblings", "from_upstream", "digest", "origin"]
        #expect(columns == expected)
    }

    /// A landed migration is never edited. If this fails, you changed a migration that
    /// replicas in the field have already applied: undo that and add a new migration instead.
    @Test("landed migrations are unchanged")
    func migrationsLocked() {
        let landed: [Int: String] = [
            1: "ba22371b1642a0f590b09e6ece40c7d117372c1a42f9db1c2f4dc2355debe429",
            2: "174bc775c46b30fcb0fa2832f61f1244d0e7c259e17f5df5670944c224f24097",
            3: "8e39762e1d883db968e0fa55cf725e6144bbb5b70829368493b6993015d2e2e0",
            4: "6dda156963c5ec9722f527bcd6384214749c1a204af25431bb84beb6207ef0da",
            5: "41266e4c201d8147d620207a0d3c7a6dd02a81578fed905a730249944eab2f60",
            6: "16301ff483676c8faf9ffca26a9d88ba25a34141d2d5d117f3154e2508e2183e",
            7: "2ba5a2b2f7813e169c96fd7314bb3a353d464a162caac253f8cdc5a1a28da7b8",
            8: "838b5ba666a7303259aac1969ec127825afc149785f836d9811d9d6f44c0c9d5",
            9: "c4299dac069ef778328fce830ca501426e9082cf21b6a61af6a181c326b548d1",
            10: "22a8a963177477051839ade7fd3fc6d61d9ab29f8ba5de369ff4f9ded84587fc",
            11: "93c611bc55abeae4cf4b4a9ace6355d108e44c7e9743ef9b127a0fb8a3bd34ed",
            12: "59e7e4f8cb6c66ddc70d016870575ee805c6ec865d40a3d61ed7dbc5b3565dec",
            13: "31e819a91dabc557482b917ad0a03a670d302c8feb734f120835954950472923",
            14: "8867e2205547dbccb3e1ee82c63e3543cb6aa30cde73d1310018ee337779cd74",
            15: "bb7b4126cd1d9c445c47cc2ab376edda9a5f7f007d9c44ce314c00e73adff6dc",
        ]
        for migration in Migrations.all {
            let digest = SHA256.hash(data: Data(migration.sql.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(landed[migration.version] == digest, "migration \(migration.version) \(migration.name)")
        }
    }

    @Test("the schema the protocol speaks of is the replica's last migration")
    func replicaSchemaIsTheLastMigration() {
        #expect(ReplicaSchema.latest == Migrations.latestVersion)
        #expect(Migrations.oldestSameRecords == ReplicaSchema.oldestSameRecords)
    }

    @Test("a replica made by the first schema is brought up to date on opening, its records kept")
    func upgradesFromVersion1() throws {
        let scratch = Scratch()
        let path = scratch.path("old.sqlite")
        do {
            // Given a file exactly as the first release made it
            let connection = try Connection(path: path, mode: .readWriteCreate)
            try connection.execute("PRAGMA journal_mode = WAL; PRAGMA application_id = \(Migrator.applicationID)")
            try connection.execute(Migrations.all[0].sql)
            try connection.execute("""
            PRAGMA user_version = 1;
            INSERT INTO units VALUES ('640522100201', '园河村', '640522100000', 0);
            INSERT INTO replica VALUES (1, '00000000000000a1', '640522100201', 'old', 1, 1, 5);
            INSERT INTO fees VALUES (1, 'f1', '640522100201', '2021-01-01', 500, 0, 0, '00000000000000a1:1',
                '00000000000000a1:1:5=_deleted,amount_yuan,collected_on', NULL);
            """)
        }
        // When this build opens it
        let replica = try Replica.open(at: path)
        // Then it is at the latest version, its record and identity intact, ready to sync
        #expect(try replica.syncing.status().schemaVersion == Migrations.latestVersion)
        #expect(try replica.records.record(.fees, id: "f1")?.values == ["collected_on": "2021-01-01", "amount_yuan": "5"])
        #expect(try replica.records.siteNames()["00000000000000a1"]?.deviceName == "old")
        #expect(try replica.syncing.status().pendingChanges == 1)
        // and its digest accounts for the record it already had
        let record = try #require(try replica.records.record(.fees, id: "f1"))
        let expected = RecordDigest.of(kind: .fees, id: "f1", unit: "640522100201", version: record.version)
        #expect(try replica.syncing.scopeDigest() == expected.hex)
    }

    @Test("a server of schema 5 is brought to 6: its sites unbound and their names cleaned, its cursors still known, new ones read")
    func upgradesServerFromVersion5() throws {
        let scratch = Scratch()
        let path = scratch.path("town5.sqlite")
        do {
            // Given a township server's file as the previous release left it, with a cursor it issued
            let connection = try Connection(path: path, mode: .readWriteCreate)
            try connection.execute("PRAGMA journal_mode = WAL; PRAGMA application_id = \(Migrator.applicationID)")
            for migration in Migrations.all where migration.version <= 5 { try connection.execute(migration.sql) }
            try connection.execute("""
            PRAGMA user_version = 5;
            INSERT INTO units VALUES ('640522100000', '西安镇', NULL, 1), ('640522100201', '园河村', '640522100000', 0);
            INSERT INTO replica VALUES (1, '5e5e5e5e5e5e5e5e', '640522100000', 'server', 0, 1, 5);
            INSERT INTO sites (site, device_name, unit, counter, seen_at) VALUES
                ('5e5e5e5e5e5e5e5e', 'server', '640522100000', 0, 5),
                ('00000000000000a1', 'x' || char(10) || 'sync unit=forged' || char(9) || '\(String(repeating: "长", count: 80))', '640522100201', 7, 5);
            INSERT INTO fees VALUES (1, 'f1', '640522100201', '2021-01-01', 500, 0, 0, '00000000000000a1:1',
                '00000000000000a1:1:5=_deleted,amount_yuan,collected_on', NULL, 0, NULL, NULL);
            INSERT INTO cursor_marks VALUES ('old-mark', 1, 5);
            """)
        }
        // When this build opens it
        let server = try Replica.open(at: path)
        // Then the sites are there, owned by no token yet, their names one clean line
        let (owner, name, counter) = try server.database.withConnection { connection in
            let row = try connection.row("SELECT owner, device_name, counter FROM sites WHERE site = '00000000000000a1'")
            return (try row.optionalText("owner"), try row.text("device_name"), try row.optionalInteger("counter"))
        }
        #expect(owner == nil)
        #expect(name.count == 64 && !name.contains("\n") && !name.contains("\t"))
        #expect(counter == 7)
        // And a cursor issued before is still known, and the position it names has a mark of its own now
        #expect(try server.serving.knows(SyncCursor(mark: "old-mark", seq: 1)))
        let page = try server.serving.changes(after: nil, for: SiteID("00000000000000b2")!, scope: .everything, limit: 10, now: 9)
        #expect(page.records.count == 1 && page.next.seq == 1 && page.next.mark != "old-mark")
        #expect(try server.serving.knows(page.next))
        #expect(try !server.serving.knows(SyncCursor(mark: "never-issued", seq: 1)))
    }

    @Test("a report published under schema 7 becomes version 1 of its year, its JSON kept word for word")
    func upgradesPublishedReportsFrom7() throws {
        let scratch = Scratch()
        let path = scratch.path("town7.sqlite")
        do {
            // Given a file of the previous release with a published 2021 report
            let connection = try Connection(path: path, mode: .readWriteCreate)
            try connection.execute("PRAGMA journal_mode = WAL; PRAGMA application_id = \(Migrator.applicationID)")
            for migration in Migrations.all where migration.version <= 7 { try connection.execute(migration.sql) }
            try connection.execute("""
            PRAGMA user_version = 7;
            INSERT INTO units VALUES ('640522100000', '西安镇', NULL, 1);
            INSERT INTO replica VALUES (1, '5e5e5e5e5e5e5e5e', '640522100000', 'server', 0, 1, 5);
            INSERT INTO published_reports VALUES (2021, '2021', 1700000000, '{"year": 2021}');
            """)
        }
        // When this build opens it
        let replica = try Replica.open(at: path)
        // Then the report is version 1, and publishing the year again needs a reason
        #expect(try replica.published.publishedVersions(year: 2021) == [PublishedVersion(year: 2021, version: 1, formatVersion: "2021", publishedAt: 1_700_000_000, reason: nil)])
        #expect(try replica.published.publishedContent(year: 2021, version: 1)?.json == #"{"year": 2021}"#)
        #expect(throws: ReplicaError.alreadyPublished(year: 2021, at: 1_700_000_000)) {
            _ = try replica.published.publishReport(year: 2021, formatVersion: "2021", json: "{}", model: "{}", supersedingBecause: nil, now: 2)
        }
        #expect(try replica.published.publishReport(year: 2021, formatVersion: "2021", json: "{}", model: "{}", supersedingBecause: "更正", now: 2).version == 2)
        #expect(try replica.published.publishedReport(year: 2021)?.json == "{}")
    }

    @Test("a new replica records its schema version and is in WAL mode with foreign keys on")
    func pragmas() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        let (version, journal, foreignKeys, history) = try replica.database.withConnection { connection in
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
