import Logging
import PostgresNIO

/// A value bound to a statement's `$n`.
enum Bind: Sendable {
    case text(String?)
    case integer(Int64?)
    case flag(Bool)
    case texts([String])
    case integers([Int64])
    case flags([Bool])
}

/// One connection, one caller: statements with bound arguments only, rows read by name.
struct PostgresSession {
    let connection: PostgresConnection
    let location: PostgresLocation
    let logger: Logger

    func rows(_ sql: String, _ binds: [Bind] = []) throws -> [Row] {
        try execute(sql, binds).rows.map { Row(row: $0.makeRandomAccess(), sql: sql) }
    }

    /// Runs a statement; returns how many rows it touched.
    @discardableResult
    func run(_ sql: String, _ binds: [Bind] = []) throws -> Int {
        try execute(sql, binds).metadata.rows ?? 0
    }

    private func execute(_ sql: String, _ binds: [Bind]) throws -> PostgresQueryResult {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            switch bind {
            case .text(let value): bindings.append(value)
            case .integer(let value): bindings.append(value)
            case .flag(let value): bindings.append(value)
            case .texts(let values): bindings.append(values)
            case .integers(let values): bindings.append(values)
            case .flags(let values): bindings.append(values)
            }
        }
        return try connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).wait()
    }

    func row(_ sql: String, _ binds: [Bind] = []) throws -> Row {
        guard let row = try rows(sql, binds).first else { throw PostgresStoreError.corrupt("查询没有结果: \(sql.prefix(80))") }
        return row
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)"
        }
        return "\(error)"
    }

    /// A row of a result, read by column name: a missing column or a value of the wrong type
    /// fails naming the column and the query.
    struct Row {
        let row: PostgresRandomAccessRow
        let sql: String

        func text(_ column: String) throws -> String { try decode(String.self, column) }
        func optionalText(_ column: String) throws -> String? { try decode(String?.self, column) }
        func integer(_ column: String) throws -> Int64 { try decode(Int64.self, column) }
        func optionalInteger(_ column: String) throws -> Int64? { try decode(Int64?.self, column) }
        func flag(_ column: String) throws -> Bool { try decode(Bool.self, column) }

        private func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws -> T {
            guard row.contains(column) else { throw PostgresStoreError.corrupt("查询结果缺少列 \(column): \(sql.prefix(80))") }
            do {
                return try row[column].decode(T.self)
            } catch {
                throw PostgresStoreError.corrupt("列 \(column) 的值无法读取为 \(T.self): \(sql.prefix(80))")
            }
        }
    }
}
