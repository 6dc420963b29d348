import Crypto
import Foundation
import Synchronization
@testable import PostgresStore
import Records
import SyncCore
import Testing
import TestSupport

@Suite("PostgreSQL store schema")
struct PostgresSchemaTests {
    @Test("a migration that has landed is never edited: each one's checksum is held here")
    func migrationsLocked() {
        let landed: [Int: String] = [
            1: "7caf5772130db2660ff41de0e103844fdb84f2e18240ee4ed91d25bb1d984c19",
            2: "ddcfbc18e38e7e90f826e22c9e779f2cae5ee0a508a951d6833347b6f8978a0f",
            3: "d8d5b000510814118d6aab525e3baf22c6c9267eb33c228e1652ac3b31257c13",
            4: "0d14bf972943cd13eb921ff4a50ac31846033c24c2dcf2986663575988441946",
            5: "1f2f30fac9a33dc399952f0e5e22370fe596966bfb7434456833b628d45ee1fb",
            6: "f9de5fa9f28c23955cc9283d45ec5c5ca11de6a4bc8e4db9635a32a45f0e775d",
            7: "ae549b611461f55bebdbac271df3a009e236777b889695cdc00a9d9196dfad66",
            8: "4094dc43e92f60af4a822494923d52da80e41e1e491dc68d127a9403219c14de",
            9: "8da3964f665444d8447e4e171dbeb818ef8c9ff15dfa1e674cb4995307754578",
            10: "e4daed17a9e0d48d1231d5bea920d263962c4a5cc7e8d375a4c911d3785a3ebf",
        ]
        for migration in PostgresSchema.all {
            let digest = SHA256.hash(data: Data(migration.sql.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(landed[migration.version] == digest, "migration \(migration.version) \(migration.name): \(digest)")
        }
        #expect(PostgresSchema.all.map(\.version) == Array(1...PostgresSchema.latestVersion))
    }

    @Test("a migration is split into statements at semicolons outside a function's $$ body")
    func statementsSplit() {
        // Given two statements, the second a function whose body holds semicolons
        let sql = """
        CREATE TABLE t (a int);
        CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; RETURN 2; END $$;
        """
        // When it is split, then the body stays whole
        #expect(PostgresSchema.statements(of: sql).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } == [
            "CREATE TABLE t (a int)",
            "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; RETURN 2; END $$",
        ])
    }

    @Test("several processes opening a new database at once migrate it once; a database from a newer gongkai is refused, untouched",
          .enabled(if: TestPostgres.url != nil, Comment(rawValue: TestPostgres.missing)))
    func concurrentAndNewer() throws {
        let database = try TestPostgres.database()
        // Given an empty database, when four openers migrate it at the same moment
        let outcomes = Mutex<[String]>([])
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                let pool = PostgresPool(database.location, connections: 1)
                defer { pool.close() }
                do {
                    let version = try PostgresSchema.migrate(pool)
                    outcomes.withLock { $0.append("\(version)") }
                } catch {
                    outcomes.withLock { $0.append("\(error)") }
                }
            }
        }
        group.wait()
        // Then all arrive at the latest schema, each migration applied once
        #expect(outcomes.withLock { $0 } == Array(repeating: "\(PostgresSchema.latestVersion)", count: 4))
        let pool = PostgresPool(database.location, connections: 1)
        defer { pool.close() }
        let applied = try pool.withSession { session in
            try session.rows("SELECT version::bigint AS version FROM schema_migrations ORDER BY version").map { try $0.integer("version") }
        }
        #expect(applied == (1...PostgresSchema.latestVersion).map(Int64.init))
        // When a newer gongkai has migrated it further, this one refuses to open it, and changes nothing
        _ = try pool.withSession { session in try session.run("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')") }
        #expect(throws: PostgresStoreError.newerSchema(location: database.location.description, found: 99, supported: PostgresSchema.latestVersion)) {
            try PostgresServerStore.open(database.location)
        }
        let after = try pool.withSession { session in try session.row("SELECT count(*) AS migrations FROM schema_migrations").integer("migrations") }
        #expect(after == Int64(PostgresSchema.latestVersion) + 1)
    }
}
