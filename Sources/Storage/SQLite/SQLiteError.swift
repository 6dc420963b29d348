import CSQLite

/// A failure reported by SQLite, with its primary result code.
struct SQLiteError: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    let sql: String?

    var primaryCode: Int32 { code & 0xFF }

    var description: String {
        "SQLite 错误 \(code): \(message)" + (sql.map { " [\($0)]" } ?? "")
    }
}
