/// What text gongkai takes from anyone (a field, a unit's name): nothing that could change how
/// a terminal, a log, a spreadsheet or an office file shows what is around it.
///
/// Refused everywhere: control characters (C0 but a tab and a line break, DEL, C1 such as
/// U+009B, a terminal's escape), the line and paragraph separators, the bidirectional
/// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069: they reverse what follows
/// them on screen), and noncharacters (U+FDD0–U+FDEF, U+FFFE, U+FFFF and their like in every
/// plane), which XML 1.0 cannot hold. A tab and a line break are taken where text may run over
/// lines (a body, a request's content), never in a name.
public enum TextRule {
    public static func isForbidden(_ scalar: Unicode.Scalar, lineBreaks: Bool) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: !lineBreaks
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0xFDD0...0xFDEF: true
        default: scalar.value & 0xFFFE == 0xFFFE
        }
    }

    /// Why `text` cannot be taken, naming the first character that cannot; nil when it can.
    public static func problem(in text: String, lineBreaks: Bool) -> String? {
        guard let scalar = text.unicodeScalars.first(where: { isForbidden($0, lineBreaks: lineBreaks) }) else { return nil }
        return "含有不可见的控制字符或不能显示的字符 (\(codePoint(scalar))); 请删除后重试"
    }

    /// `U+202E`.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Text to print at a terminal: every character this rule refuses shown by its code point
    /// (`<U+202E>`), so that text stored before the rule, or from elsewhere, prints as what it is.
    /// `lineBreaks`: keep a line break (a body shown whole); else it shows as ⏎.
    public static func printable(_ text: String, lineBreaks: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isForbidden($0, lineBreaks: lineBreaks) || $0 == "\t" }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" && !lineBreaks {
                out.append("⏎")
            } else if scalar == "\t" {
                out.append(" ")
            } else if isForbidden(scalar, lineBreaks: lineBreaks) {
                out.append(contentsOf: "<\(codePoint(scalar))>".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
