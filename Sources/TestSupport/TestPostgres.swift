import Foundation
import Storage
import PostgresStore

/// The PostgreSQL server the tests and the load bench use: `GONGKAI_TEST_POSTGRES` names it
/// (`scripts/postgres-for-tests` starts one and prints the URL). Each test gets a database of
/// its own, dropped when the test lets go of it.
public enum TestPostgres {
    /// The server's URL, or nil when none is set (the PostgreSQL tests then skip, saying so).
    public static let url: String? = {
        let value = ProcessInfo.processInfo.environment["GONGKAI_TEST_POSTGRES"] ?? ""
        return value.isEmpty ? nil : value
    }()

    /// Why the PostgreSQL tests did not run, for their skip notice.
    public static let missing = "没有 PostgreSQL: 运行 scripts/postgres-for-tests 并设置 GONGKAI_TEST_POSTGRES (CI 会这样做)"

    /// A fresh, empty database on the test server, dropped when the returned handle goes.
    public static func database() throws -> TestDatabase {
        guard let url else { throw PostgresStoreError.badLocation("GONGKAI_TEST_POSTGRES", missing) }
        let server = try PostgresLocation(url)
        var generator = SystemRandomNumberGenerator()
        let name = "gongkai_test_\(String(generator.next() as UInt64, radix: 36))"
        try PostgresAdministration.createDatabase(name, on: server)
        return TestDatabase(server: server, location: server.database(name))
    }
}

/// A database of one test: dropped (with every connection to it) when this goes.
public final class TestDatabase: Sendable {
    public let location: PostgresLocation
    let server: PostgresLocation

    init(server: PostgresLocation, location: PostgresLocation) {
        self.server = server
        self.location = location
    }

    deinit {
        try? PostgresAdministration.dropDatabase(location.database, on: server)
    }
}

extension TestPostgres {
    /// A server's replica moved to a fresh PostgreSQL database, as `gongkai admin migrate` moves it.
    public static func moved(_ replica: Replica) throws -> (TestDatabase, PostgresServerStore) {
        let database = try TestPostgres.database()
        let exporter = replica.exporter
        let store = try PostgresServerStore.migrate(into: database.location, header: try exporter.header(),
                                                    nextRecords: { seq in try exporter.records(after: seq, limit: 1_000) })
        return (database, store)
    }

    /// Runs one statement on a test's database (to damage data on purpose, as `tamper` does to a file).
    public static func execute(_ sql: String, in database: TestDatabase) throws {
        try PostgresAdministration.execute(sql, in: database.location)
    }
}
