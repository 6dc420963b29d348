/// An enumerated value that users type either as its Chinese label or as its ASCII key.
///
/// Every enumeration of the product is one Swift enum conforming to this protocol; the
/// key is the raw value (stable, used in files and JSON), the label is what officials read.
public protocol LabeledEnumeration: CaseIterable, Hashable, Sendable, Codable, RawRepresentable where RawValue == String {
    /// What the enumeration is called, in Chinese ("申请人类型").
    static var title: String { get }
    /// The label printed for this value ("自然人").
    var label: String { get }
    /// Other spellings accepted on input ("个人" is not one of them: only true synonyms).
    var aliases: [String] { get }
    /// The heading this value is listed under, as the official table prints it (an outcome's
    /// （三）不予公开); nil for a value of its own.
    var groupLabel: String? { get }
}

extension LabeledEnumeration {
    public var aliases: [String] { [] }
    public var groupLabel: String? { nil }
    public var key: String { rawValue }

    /// Parses the ASCII key (case-insensitive) or the label, ignoring spaces, bracket width and
    /// leading item numbers such as "1." or "（一）".
    public static func parse(_ text: String) -> Self? {
        let wanted = LabelNormalizer.normalize(text)
        guard !wanted.isEmpty else { return nil }
        for value in allCases {
            if value.rawValue.lowercased() == wanted.lowercased() { return value }
        }
        for value in allCases {
            if LabelNormalizer.normalize(value.label) == wanted { return value }
            if value.aliases.contains(where: { LabelNormalizer.normalize($0) == wanted }) { return value }
        }
        return nil
    }

    /// "自然人 (natural_person), 商业企业 (commercial_enterprise), …" for error messages and prompts.
    public static var choicesDescription: String {
        allCases.map { "\($0.label) (\($0.rawValue))" }.joined(separator: ", ")
    }
}

/// Makes labels comparable however they were typed: full- or half-width brackets and
/// punctuation, surrounding spaces, and leading item numbers are ignored.
public enum LabelNormalizer {
    public static func normalize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case " ", "\t", "\u{3000}", "\u{00A0}", "\"", "'", "“", "”", "‘", "’": continue
            case "（": scalars.append("(")
            case "）": scalars.append(")")
            case "，": scalars.append(",")
            case "．", "。": scalars.append(".")
            case "、": scalars.append(",")
            default: scalars.append(scalar)
            }
        }
        return stripItemNumber(String(scalars))
    }

    /// Removes a leading "1." / "(一)" style item number.
    static func stripItemNumber(_ text: String) -> String {
        var rest = Substring(text)
        if rest.first == "(" , let close = rest.firstIndex(of: ")") {
            let inside = rest[rest.index(after: rest.startIndex)..<close]
            if !inside.isEmpty, inside.allSatisfy({ "一二三四五六七八九十".contains($0) || $0.isASCII && $0.isNumber }) {
                rest = rest[rest.index(after: close)...]
            }
        } else {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            if !digits.isEmpty, rest.dropFirst(digits.count).first == "." {
                rest = rest.dropFirst(digits.count + 1)
            }
        }
        return String(rest)
    }
}
