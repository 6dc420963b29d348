import Codecs

/// A value bound to or read from SQLite. Only the types the replica uses: no floating point.
public enum SQLiteValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case text(String)

    public var text: String? {
        switch self {
        case .text(let value): value
        case .integer(let value): String(value)
        case .null: nil
        }
    }

    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .text(let value): Int64(value)
        case .null: nil
        }
    }
}

extension SQLiteValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension Optional where Wrapped == String {
    var sqlite: SQLiteValue { map(SQLiteValue.text) ?? .null }
}

extension SQLiteValue {
    /// Strings as one JSON array, bound as text for `json_each(?)`: a set of values (a subtree's
    /// units) in one bound argument, whatever its size. Sorted, so the same set binds the same text.
    static func jsonArray(_ strings: some Sequence<String>) -> SQLiteValue {
        var json = JSONWriter()
        json.raw("[")
        for (index, string) in strings.sorted().enumerated() {
            if index > 0 { json.raw(",") }
            json.string(string)
        }
        json.raw("]")
        return .text(String(decoding: json.bytes, as: UTF8.self))
    }
}
