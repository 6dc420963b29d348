/// Writes RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled,
/// lines end in CRLF as the RFC says (Excel and every reader here accept it).
public struct CSVWriter {
    public private(set) var output: String = ""

    public init() {}

    public mutating func write(_ fields: [String]) {
        var first = true
        for field in fields {
            if !first { output.append(",") }
            first = false
            output.append(CSVWriter.escape(field))
        }
        output.append("\r\n")
    }

    public static func escape(_ field: String) -> String {
        guard field.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D })
            || field.hasPrefix(" ") || field.hasSuffix(" ") else { return field }
        var quoted = "\""
        for character in field {
            if character == "\"" { quoted.append("\"") }
            quoted.append(character)
        }
        quoted.append("\"")
        return quoted
    }
}
