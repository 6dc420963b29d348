/// Writes RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled,
/// lines end in CRLF as the RFC says (Excel and every reader here accept it). A field that a
/// spreadsheet would run as a formula is written as text (`neutralised`).
public struct CSVWriter {
    public private(set) var output: String = ""

    public init() {}

    public mutating func write(_ fields: [String]) {
        var first = true
        for field in fields {
            if !first { output.append(",") }
            first = false
            output.append(CSVWriter.escape(CSVWriter.neutralised(field)))
        }
        output.append("\r\n")
    }

    /// The first characters that make a spreadsheet read a cell as a formula (`=`, `+`, `-`, `@`,
    /// and a tab or carriage return before one), and `'`, which the spreadsheet drops.
    /// A plain number (`-3`, `+1.5`) is read as that number, never run: the report's 本年增/减 stays one.
    static func startsAsFormula(_ field: Substring) -> Bool {
        guard let first = field.utf8.first,
              [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D, UInt8(ascii: "'")].contains(first) else { return false }
        return !isPlainNumber(field)
    }

    private static func isPlainNumber(_ field: Substring) -> Bool {
        var digits = field.utf8.dropFirst()
        guard field.utf8.first == UInt8(ascii: "-") || field.utf8.first == UInt8(ascii: "+"), !digits.isEmpty else { return false }
        var point = false
        while let byte = digits.popFirst() {
            if byte == UInt8(ascii: "."), !point, !digits.isEmpty { point = true; continue }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return false }
        }
        return true
    }

    /// A field as text for a spreadsheet: one that would start a formula gets a leading `'` (as
    /// OWASP advises against CSV injection), and so does one that starts with `'` already, so that
    /// `restored` gives every field back exactly.
    public static func neutralised(_ field: String) -> String {
        startsAsFormula(field[...]) ? "'" + field : field
    }

    /// A field as it was before `neutralised`: the leading `'` taken off a field that needed it.
    public static func restored(_ field: String) -> String {
        guard field.hasPrefix("'"), startsAsFormula(field.dropFirst()) else { return field }
        return String(field.dropFirst())
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
