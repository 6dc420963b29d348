import CSQLite

/// A prepared statement. Owned by its connection's cache.
final class Statement {
    private let raw: OpaquePointer
    private unowned let connection: Connection
    let sql: String

    init(_ raw: OpaquePointer, connection: Connection, sql: String) {
        self.raw = raw
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(raw) }

    func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    func bind(_ arguments: [SQLiteValue]) throws(SQLiteError) {
        for (index, value) in arguments.enumerated() {
            try bind(value, at: Int32(index + 1))
        }
    }

    func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        let code: Int32
        switch value {
        case .null: code = sqlite3_bind_null(raw, index)
        case .integer(let number): code = sqlite3_bind_int64(raw, index, number)
        case .text(let text):
            code = text.utf8.withContiguousStorageIfAvailable { buffer in
                buffer.withMemoryRebound(to: CChar.self) { gongkai_bind_text(raw, index, $0.baseAddress, Int32($0.count)) }
            } ?? gongkai_bind_text(raw, index, text, -1)
        }
        guard code == SQLITE_OK else { throw error(code) }
    }

    /// Advances; true while a row is available.
    func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(raw)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw error(code)
        }
    }

    var columnCount: Int { Int(sqlite3_column_count(raw)) }

    /// Its columns by name (found on first use; the statement is cached with them).
    private(set) lazy var columns = Columns(names: (0..<columnCount).map { String(cString: sqlite3_column_name(raw, Int32($0))) }, sql: sql)

    /// The index of the column `name`, or an error naming it: hot loops look a column up once
    /// and then read by that index.
    func column(_ name: String) throws(SQLiteError) -> Int { try columns.index(of: name) }

    /// Where a record's columns are in this statement's rows, once `RecordTable` has found them.
    var recordLayout: RecordLayout?

    /// The current row.
    func row() -> Row { Row((0..<columnCount).map { value(at: $0) }, columns: columns) }

    func value(at column: Int) -> SQLiteValue {
        let index = Int32(column)
        switch sqlite3_column_type(raw, index) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(raw, index))
        default: return text(at: column).map(SQLiteValue.text) ?? .null
        }
    }

    func text(at column: Int) -> String? {
        let index = Int32(column)
        guard let pointer = sqlite3_column_text(raw, index) else { return nil }
        let count = Int(sqlite3_column_bytes(raw, index))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func integer(at column: Int) -> Int64 { sqlite3_column_int64(raw, Int32(column)) }

    func isNull(at column: Int) -> Bool { sqlite3_column_type(raw, Int32(column)) == SQLITE_NULL }

    private func error(_ code: Int32) -> SQLiteError {
        SQLiteError(code: code, message: connection.lastMessage, sql: sql)
    }
}
