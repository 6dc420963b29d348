import CSQLite

/// One result row, read by column name. A column the query does not have, a NULL where a value
/// is required, or text where a number is, is an error that names the column and the query: a
/// schema slip fails loudly instead of reading as empty data.
struct Row {
    private let values: [SQLiteValue]
    private let columns: Columns

    init(_ values: [SQLiteValue], columns: Columns) {
        self.values = values
        self.columns = columns
    }

    func value(_ name: String) throws(SQLiteError) -> SQLiteValue {
        values[try columns.index(of: name)]
    }

    func optionalText(_ name: String) throws(SQLiteError) -> String? {
        try value(name).text
    }

    func text(_ name: String) throws(SQLiteError) -> String {
        guard let text = try optionalText(name) else { throw columns.problem("\(name) 为空") }
        return text
    }

    func optionalInteger(_ name: String) throws(SQLiteError) -> Int64? {
        switch try value(name) {
        case .null: return nil
        case .integer(let number): return number
        case .text(let text):
            guard let number = Int64(text) else { throw columns.problem("\(name) 不是整数: \(text.prefix(40))") }
            return number
        }
    }

    func integer(_ name: String) throws(SQLiteError) -> Int64 {
        guard let number = try optionalInteger(name) else { throw columns.problem("\(name) 为空") }
        return number
    }

    func int(_ name: String) throws(SQLiteError) -> Int { Int(try integer(name)) }

    func flag(_ name: String) throws(SQLiteError) -> Bool { try integer(name) != 0 }

    /// An error about this row's data, naming its query.
    func problem(_ detail: String) -> SQLiteError { columns.problem(detail) }
}

/// The column names of a prepared statement, found once per statement.
struct Columns {
    private let indexes: [String: Int]
    let sql: String

    init(names: [String], sql: String) {
        var indexes: [String: Int] = [:]
        for (index, name) in names.enumerated() where indexes[name] == nil { indexes[name] = index }
        self.indexes = indexes
        self.sql = sql
    }

    func index(of name: String) throws(SQLiteError) -> Int {
        guard let index = indexes[name] else { throw problem("查询没有列 \(name)") }
        return index
    }

    func problem(_ detail: String) -> SQLiteError {
        SQLiteError(code: SQLITE_MISMATCH, message: "副本的数据结构与本程序不符: \(detail)", sql: sql)
    }
}
