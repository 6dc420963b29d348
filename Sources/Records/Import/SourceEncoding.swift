import Foundation

/// The text encoding of an imported file. Excel in Chinese locales saves CSV as GBK unless
/// told otherwise, so GBK (read as its superset GB 18030) is offered by name.
public enum SourceEncoding: String, CaseIterable, Sendable {
    case utf8 = "utf-8"
    case gbk

    public static func parse(_ text: String) -> SourceEncoding? {
        switch text.lowercased() {
        case "utf-8", "utf8": .utf8
        case "gbk", "gb2312", "gb18030", "cp936": .gbk
        default: nil
        }
    }

    /// The file's bytes as UTF-8, or nil when they are not text in this encoding.
    public func utf8Bytes(of bytes: [UInt8]) -> [UInt8]? {
        switch self {
        case .utf8:
            return bytes
        case .gbk:
            // kCFStringEncodingGB_18030_2000 as an NSString encoding.
            let gb18030 = String.Encoding(rawValue: 0x8000_0632)
            guard let text = String(bytes: bytes, encoding: gb18030) else { return nil }
            return Array(text.utf8)
        }
    }
}
