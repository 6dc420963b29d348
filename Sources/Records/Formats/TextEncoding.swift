import Foundation

/// The text encoding of a spreadsheet file, read or written. Excel on Chinese Windows reads a
/// CSV as GBK unless it starts with a UTF-8 byte order mark, and saves CSV as GBK: so GBK (read
/// as its superset GB 18030) and UTF-8 with a BOM are offered by name.
public enum TextEncoding: String, CaseIterable, Sendable {
    case utf8 = "utf-8"
    case utf8BOM = "utf-8-bom"
    case gbk

    public static func parse(_ text: String) -> TextEncoding? {
        switch text.lowercased().trimmingCharacters(in: .whitespaces) {
        case "utf-8", "utf8": .utf8
        case "utf-8-bom", "utf8-bom", "utf-8-sig", "utf8bom": .utf8BOM
        case "gbk", "gb2312", "gb18030", "cp936": .gbk
        default: nil
        }
    }

    public static let names = "utf-8, utf-8-bom, gbk"

    /// kCFStringEncodingGB_18030_2000 as an NSString encoding.
    private static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// The file's bytes as UTF-8, or nil when they are not text in this encoding. (A leading
    /// BOM is left for the CSV reader, which skips it.)
    public func utf8Bytes(of bytes: [UInt8]) -> [UInt8]? {
        switch self {
        case .utf8, .utf8BOM:
            return bytes
        case .gbk:
            guard let text = String(bytes: bytes, encoding: Self.gb18030) else { return nil }
            return Array(text.utf8)
        }
    }

    /// The bytes of `text` in this encoding.
    public func bytes(of text: String) -> [UInt8] {
        switch self {
        case .utf8: Array(text.utf8)
        case .utf8BOM: [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        case .gbk: Array(text.data(using: Self.gb18030) ?? Data())
        }
    }

    /// The first character of `text` that GBK (code page 936, what Excel reads) cannot hold,
    /// or nil. GB 18030 writes exactly those characters as four bytes.
    public static func firstOutsideGBK(in text: String) -> Character? {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return nil }
        guard hasFourByteSequence(Array(text.data(using: gb18030) ?? Data())) else { return nil }
        return text.first { hasFourByteSequence(Array(String($0).data(using: gb18030) ?? Data())) }
    }

    private static func hasFourByteSequence(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            if bytes[index] < 0x80 { index += 1; continue }
            if index + 1 < bytes.count, (0x30...0x39).contains(bytes[index + 1]) { return true }
            index += 2
        }
        return false
    }
}
