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

    /// The rows of `table` in the replica at `source`, exactly as the engine stored them (its
    /// version columns, digest and sequence numbers included), inserted plainly into the same
    /// table of the fresh replica at `destination`: same schema, same indexes, one transaction,
    /// one prepared statement. What the engine's writes cost SQLite, without the engine.
    static func copyRows(of table: String, from source: String, into destination: String) -> Double {
        enum Value { case integer(Int64), text(String), null }
        var db: OpaquePointer?
        sqlite3_open(source, &db)
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, "SELECT * FROM \(table)", -1, &statement, nil)
        let columns = Int(sqlite3_column_count(statement))
        let names = (0..<columns).map { String(cString: sqlite3_column_name(statement, Int32($0))) }
        var rows: [[Value]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            rows.append((0..<columns).map { column in
                switch sqlite3_column_type(statement, Int32(column)) {
                case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, Int32(column)))
                case SQLITE_NULL: .null
                default: .text(String(cString: sqlite3_column_text(statement, Int32(column))))
                }
            })
        }
        sqlite3_finalize(statement)
        sqlite3_close(db)
        precondition(!rows.isEmpty, "no rows in \(table) of \(source)")

        sqlite3_open(destination, &db)
        defer { sqlite3_close(db) }
        sqlite3_exec(db, "PRAGMA synchronous=NORMAL", nil, nil, nil)
        let sql = "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns).joined(separator: ", ")))"
        let (_, seconds) = measure {
            var insert: OpaquePointer?
            sqlite3_exec(db, "BEGIN", nil, nil, nil)
            sqlite3_prepare_v2(db, sql, -1, &insert, nil)
            for row in rows {
                for (index, value) in row.enumerated() {
                    switch value {
                    case .integer(let number): sqlite3_bind_int64(insert, Int32(index + 1), number)
                    case .text(let text): gongkai_bind_text(insert, Int32(index + 1), text, -1)
                    case .null: sqlite3_bind_null(insert, Int32(index + 1))
                    }
                }
                precondition(sqlite3_step(insert) == SQLITE_DONE, String(cString: sqlite3_errmsg(db)))
                sqlite3_reset(insert)
            }
            sqlite3_finalize(insert)
            sqlite3_exec(db, "COMMIT", nil, nil, nil)
        }
        return seconds
    }
}
