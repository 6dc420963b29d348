import CSQLite

/// One SQLite connection with a cache of prepared statements. Not thread-safe: `Database` owns
/// it behind a mutex, so only one thread ever uses it at a time.
final class Connection {
    private(set) var handle: OpaquePointer?
    private var statements: [String: Statement] = [:]
    let path: String

    enum Mode { case readWrite, readWriteCreate, readOnly }

    init(path: String, mode: Mode) throws(SQLiteError) {
        self.path = path
        // `Database` already lets one thread at a time use a connection: no SQLite mutex needed.
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW
        switch mode {
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var db: OpaquePointer?
        let code = sqlite3_open_v2(path, &db, flags, nil)
        handle = db
        guard code == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            handle = nil
            throw SQLiteError(code: code, message: message, sql: nil)
        }
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 5_000)
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(message)
            throw SQLiteError(code: code, message: text, sql: sql)
        }
    }

    /// A cached prepared statement, reset and with its bindings cleared.
    func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var raw: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard code == SQLITE_OK, let raw else { throw SQLiteError(code: code, message: lastMessage, sql: sql) }
        let statement = Statement(raw, connection: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Runs a statement to completion with the given arguments.
    func run(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        while try statement.step() {}
    }

    /// The rows of a query, each read by column name.
    func rows(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) -> [Row] {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        var result: [Row] = []
        while try statement.step() { result.append(statement.row()) }
        return result
    }

    /// The one row a query must give (a singleton table's), or an error saying there is none.
    func row(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) -> Row {
        guard let row = try rows(sql, arguments).first else {
            throw SQLiteError(code: SQLITE_MISMATCH, message: "副本的数据结构与本程序不符: 查询没有结果", sql: sql)
        }
        return row
    }

    /// The one value of a one-column query: its first row's, or NULL when there is no row.
    func scalar(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) -> SQLiteValue {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        guard statement.columnCount == 1 else {
            throw SQLiteError(code: SQLITE_MISMATCH, message: "scalar 查询应只有一列", sql: sql)
        }
        return try statement.step() ? statement.value(at: 0) : .null
    }

    /// The integer a one-column query gives (a count, a counter), or an error when it is NULL.
    func integer(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) -> Int64 {
        guard let number = try scalar(sql, arguments).integer else {
            throw SQLiteError(code: SQLITE_MISMATCH, message: "副本的数据结构与本程序不符: 查询结果为空", sql: sql)
        }
        return number
    }

    /// Runs `body` in one transaction (BEGIN IMMEDIATE: this connection is the one writer);
    /// rolls back on any error.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    var lastMessage: String { handle.map { String(cString: sqlite3_errmsg($0)) } ?? "" }

    var changes: Int { Int(sqlite3_changes(handle)) }
}
