extension RecordKind {
    /// A record as a JSON object keyed by its CSV columns: counts, years and amounts as numbers
    /// (amounts exact), enumerations as their keys, empty values as null.
    public func jsonObject(id: String, unit: String, values: [String: String]) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("id", .string(id)), ("unit", .string(unit))]
        for field in fields {
            guard let value = values[field.name] else { pairs.append((field.name, .null)); continue }
            switch field.type {
            case .count, .year, .money: pairs.append((field.name, .number(value)))
            default: pairs.append((field.name, .string(value)))
            }
        }
        return .object(pairs)
    }
}
