/// Text a client chose (a device name, a unit, a session id, a path, a message that quotes
/// them), made safe for one log line: control characters and line separators escaped, so that
/// no client can start a line of its own, and cut to a length.
enum LogText {
    static let maximumLength = 120

    /// `text` escaped and cut; in double quotes when it holds a space, a quote, `=` or nothing,
    /// so that `key=value` pairs stay unambiguous.
    static func quoted(_ text: String) -> String {
        let escaped = self.escaped(text)
        let plain = !escaped.isEmpty && !escaped.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" })
        return plain ? escaped : "\"" + escaped.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// `text` with every control character written as an escape (`\n`, `\u{1B}`), cut to
    /// `maximumLength` characters with how long it was.
    static func escaped(_ text: String) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == maximumLength {
                out += "…(\(text.unicodeScalars.count) 个字符)"
                break
            }
            count += 1
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            default:
                switch scalar.value {
                case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
