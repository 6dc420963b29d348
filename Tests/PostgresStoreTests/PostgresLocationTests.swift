import PostgresStore
import Testing

/// `--store URL`: the two forms the spec names, and clear refusals of what is not one.
@Suite("PostgreSQL store locations")
struct PostgresLocationTests {
    @Test("a TCP address and a Unix socket directory are both understood", arguments: [
        ("postgresql://county@db.example:6543/gongkai", PostgresLocation.Endpoint.tcp(host: "db.example", port: 6543), "county", "gongkai"),
        ("postgresql://county@db.example/gongkai", .tcp(host: "db.example", port: 5432), "county", "gongkai"),
        ("postgresql:///gongkai?host=/run/pg", .socket(path: "/run/pg/.s.PGSQL.5432"), "postgres", "gongkai"),
        ("postgresql://postgres@localhost/town?host=/tmp/s", .socket(path: "/tmp/s/.s.PGSQL.5432"), "postgres", "town"),
    ])
    func forms(text: String, endpoint: PostgresLocation.Endpoint, user: String, database: String) throws {
        let location = try PostgresLocation(text, environment: [:])
        #expect(location.endpoint == endpoint)
        #expect(location.user == user)
        #expect(location.database == database)
    }

    @Test("a password is used but never shown")
    func passwordHidden() throws {
        let location = try PostgresLocation("postgresql://county:s3cret@db.example/gongkai", environment: [:])
        #expect(!location.description.contains("s3cret"))
        #expect(location.description == "postgresql://county@db.example:5432/gongkai")
    }

    @Test("what is not a store's address is refused, saying what it should look like", arguments: [
        "town.sqlite", "postgresql://db.example", "postgresql://db.example/", "http://db.example/gongkai", "postgresql:///gongkai",
    ])
    func refused(text: String) {
        #expect(throws: PostgresStoreError.self) { try PostgresLocation(text, environment: [:]) }
        do {
            _ = try PostgresLocation(text, environment: [:])
        } catch {
            #expect(error.description.contains("postgresql://"), "\(error)")
        }
    }
}
