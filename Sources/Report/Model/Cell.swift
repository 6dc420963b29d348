import Records

/// One cell of an official table: always a number (0 printed as 0).
public enum Cell: Sendable, Equatable, Codable {
    case count(Int)
    /// The 2019 format's 本年增/减: the only signed cell.
    case change(Int)
    /// An amount printed in yuan, with its unit.
    case yuan(Yuan)
    /// An amount printed in 万元, exactly (up to six decimals, the fen).
    case wanYuan(Yuan)

    /// As printed in a table.
    public var text: String {
        switch self {
        case .count(let value), .change(let value): String(value)
        case .yuan(let amount): "\(amount) 元"
        case .wanYuan(let amount): amount.wanYuanDescription
        }
    }

    /// The bare number, for CSV and JSON.
    public var number: String {
        switch self {
        case .count(let value), .change(let value): String(value)
        case .yuan(let amount): amount.description
        case .wanYuan(let amount): amount.wanYuanDescription
        }
    }

    /// Whether the cell breaks "every cell ≥ 0 except the 2019 change".
    public var isNegativeWhereNotAllowed: Bool {
        switch self {
        case .count(let value): value < 0
        case .change: false
        case .yuan(let amount), .wanYuan(let amount): amount.fen < 0
        }
    }

    public var json: JSONValue { .number(number) }
}
