import Crypto

/// Stable record ids. Users may bring their own; otherwise gongkai makes one.
public enum RecordID {
    public static let maximumLength = 64

    /// Why a user-supplied id cannot be used, or nil when it can.
    public static func problem(with id: String) -> String? {
        // The usual id is short ASCII: checked on its bytes, without Unicode properties.
        if !id.isEmpty, id.utf8.count <= maximumLength, id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) { return nil }
        if id.isEmpty { return "id 不能为空" }
        if id.count > maximumLength { return "id 太长 (\(id.count) 个字符); 最多 \(maximumLength) 个字符" }
        if id.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return "id \"\(id)\" 含有空格或控制字符"
        }
        return nil
    }

    /// A fresh id for a record captured at the keyboard: `ntc-` and 16 random hex digits.
    public static func random<G: RandomNumberGenerator>(for kind: RecordKind, using generator: inout G) -> String {
        let value = generator.next() as UInt64
        return "\(kind.idPrefix)-\(hex(value))"
    }

    /// The id of an imported row that came without one: derived from its unit and content, so that
    /// importing the same file again finds the same records instead of duplicating them.
    /// `occurrence` tells apart identical rows within one file (0 for the first).
    public static func derived(for kind: RecordKind, unit: String, content: [String], occurrence: Int) -> String {
        var hasher = SHA256()
        for part in [kind.rawValue, unit] + content + [String(occurrence)] {
            hasher.update(data: Array(part.utf8))
            hasher.update(data: [0])
        }
        let digest = Array(hasher.finalize())
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return "\(kind.idPrefix)-\(hex(value))"
    }

    static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

/// Unit codes (单位代码): a township's or village's code, such as its 12-digit division code.
public enum UnitCode {
    public static func problem(with code: String) -> String? {
        if code.isEmpty { return "单位代码不能为空" }
        if code.count > 32 { return "单位代码 \"\(code)\" 太长; 最多 32 个字符" }
        if !code.utf8.allSatisfy({ byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"): true
            default: false
            }
        }) {
            return "单位代码 \"\(code)\" 只能由字母、数字、- 和 _ 组成 (例如行政区划代码 640522100201)"
        }
        return nil
    }
}
