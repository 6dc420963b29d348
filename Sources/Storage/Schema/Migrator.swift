/// Brings a replica's schema up to date, one migration per transaction, recording each.
enum Migrator {
    /// Marks a file as a gongkai replica: `PRAGMA application_id` ("gkai").
    static let applicationID: Int64 = 0x676B_6169

    static func migrate(_ connection: Connection, now: Int64) throws {
        try connection.execute("""
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)
        """)
        let current = try schemaVersion(connection)
        for migration in Migrations.all where migration.version > current {
            try connection.transaction {
                try connection.execute(migration.sql)
                try connection.run("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                                   [.integer(Int64(migration.version)), .text(migration.name), .integer(now)])
                try connection.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }

    static func schemaVersion(_ connection: Connection) throws(SQLiteError) -> Int {
        Int(try connection.integer("PRAGMA user_version"))
    }
}
