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

    @Test("TLS as libpq's sslmode says; by default required off this machine and off on its loopback", arguments: [
        ("postgresql://county@db.example/gongkai", PostgresLocation.TLSMode.require),
        ("postgresql://county@10.1.2.3:5432/gongkai", .require),
        ("postgresql://county@127.0.0.1:5432/gongkai", .disable),
        ("postgresql://county@localhost:5432/gongkai", .disable),
        ("postgresql://county@db.example/gongkai?sslmode=verify-full&sslrootcert=/etc/ca.pem", .verifyFull),
        ("postgresql://county@db.example/gongkai?sslmode=disable", .disable),
        ("postgresql://county@127.0.0.1/gongkai?sslmode=require", .require),
        ("postgresql:///gongkai?host=/run/pg", .disable),
    ])
    func tlsModes(text: String, mode: PostgresLocation.TLSMode) throws {
        let location = try PostgresLocation(text, environment: [:])
        #expect(location.tls == mode)
        // And a location passed on keeps its settings
        #expect(try PostgresLocation(location.url, environment: [:]) == location)
    }

    @Test("sslmode from the environment as libpq takes it, and an unknown mode refused naming the ones there are")
    func tlsFromEnvironment() throws {
        #expect(try PostgresLocation("postgresql://c@db.example/g", environment: ["PGSSLMODE": "verify-ca"]).tls == .verifyCA)
        #expect { try PostgresLocation("postgresql://c@db.example/g?sslmode=strict", environment: [:]) } throws: {
            "\($0)".contains("sslmode=strict 无效") && "\($0)".contains("verify-full")
        }
    }
}
