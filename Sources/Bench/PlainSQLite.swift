import CSQLite

/// The baseline: the same rows inserted into a plain table through SQLite's C API, one
/// transaction, one prepared statement, WAL with synchronous=NORMAL like the replica.
enum PlainSQLite {
    static func insert(rows: [[String?]], columns: [String], path: String) -> Double {
        var db: OpaquePointer?
        sqlite3_open(path, &db)
        defer { sqlite3_close(db) }
        sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", nil, nil, nil)
        let definition = columns.enumerated().map { $0.offset == 0 ? "\($0.element) TEXT PRIMARY KEY" : "\($0.element) TEXT" }
        sqlite3_exec(db, "CREATE TABLE plain (\(definition.joined(separator: ", ")))", nil, nil, nil)
        let sql = "INSERT INTO plain VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
        let (_, seconds) = measure {
            var statement: OpaquePointer?
            sqlite3_exec(db, "BEGIN", nil, nil, nil)
            sqlite3_prepare_v2(db, sql, -1, &statement, nil)
            for row in rows {
                for (index, value) in row.enumerated() {
                    if let value {
                        gongkai_bind_text(statement, Int32(index + 1), value, -1)
                    } else {
                        sqlite3_bind_null(statement, Int32(index + 1))
                    }
                }
                sqlite3_step(statement)
                sqlite3_reset(statement)
            }
            sqlite3_finalize(statement)
            sqlite3_exec(db, "COMMIT", nil, nil, nil)
        }
        return seconds
    }
}
