/// Databases made and dropped on a PostgreSQL server (the tests make one each; an operator
/// makes the county's with `createdb` as usual).
public enum PostgresAdministration {
    public static func createDatabase(_ name: String, on server: PostgresLocation) throws {
        try checkName(name)
        let pool = PostgresPool(server, connections: 1)
        defer { pool.close() }
        try pool.withSession { session in try session.run("CREATE DATABASE \(name) ENCODING 'UTF8' TEMPLATE template0") }
    }

    /// Drops the database and ends every connection to it.
    public static func dropDatabase(_ name: String, on server: PostgresLocation) throws {
        try checkName(name)
        let pool = PostgresPool(server, connections: 1)
        defer { pool.close() }
        try pool.withSession { session in try session.run("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }

    /// Runs one statement on a database, outside any store (tests damage data with it).
    public static func execute(_ sql: String, in database: PostgresLocation) throws {
        let pool = PostgresPool(database, connections: 1)
        defer { pool.close() }
        try pool.withSession { session in try session.run(sql) }
    }

    /// Names are put in SQL (a database name cannot be a bound argument): letters, digits, `_`.
    private static func checkName(_ name: String) throws {
        guard !name.isEmpty, name.utf8.count <= 63, name.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || (48...57).contains($0) || (97...122).contains($0) }) else {
            throw PostgresStoreError.badLocation(name, "数据库名只能由小写字母、数字和下划线组成")
        }
    }
}
