import Codecs
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

    /// Whether `id` has the shape of the ids gongkai makes: a kind's prefix, `-`, 16 hex digits.
    public static func isGenerated(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard bytes.count == 20, bytes[3] == UInt8(ascii: "-"),
              bytes[0..<3].allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else { return false }
        return bytes[4...].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// The unit an id is scoped to (`640522100201:2021-001` → `640522100201`), or nil.
    public static func scopeUnit(of id: String) -> String? {
        guard let colon = id.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let unit = String(id[..<colon])
        return UnitCode.problem(with: unit) == nil ? unit : nil
    }

    /// The number a ledger writes for a record of `unit`: a hand-typed id without the unit it
    /// is scoped to (`640522100201:2021-001` → `2021-001`), which `scoped` turns back into the id.
    /// Other ids are themselves.
    public static func ledgerNumber(_ id: String, unit: String) -> String {
        guard scopeUnit(of: id) == unit else { return id }
        let own = String(id.dropFirst(unit.count + 1))
        // A number that looks like another unit's scope or like a generated id would be read back
        // as that: such a record keeps its full id.
        return scopeUnit(of: own) == nil && !isGenerated(own) ? own : id
    }

    /// The id a hand-typed id (`--id 2021-001`, a ledger's 编号) stands for in `unit`:
    /// `640522100201:2021-001`, so that two villages' ledgers numbered alike never collide.
    /// Ids gongkai made, and ids already scoped to `unit`, are themselves.
    public static func scoped(_ typed: String, unit: String) -> ScopedID {
        if let problem = problem(with: typed) { return .problem(problem) }
        if isGenerated(typed) { return .id(typed) }
        if let owner = scopeUnit(of: typed) {
            if owner == unit { return .id(typed) }
            let own = String(typed[typed.utf8.index(after: typed.utf8.firstIndex(of: UInt8(ascii: ":"))!)...])
            return .problem("id \(typed) 属于单位 \(owner), 不能用于单位 \(unit); 本单位的记录请写 \(own) 或不填 id")
        }
        let id = "\(unit):\(typed)"
        guard id.utf8.count <= maximumLength else {
            return .problem("id \"\(typed)\" 太长: 加上单位代码成为 \(id), 超过 \(maximumLength) 个字符; 请缩短到 \(maximumLength - unit.utf8.count - 1) 个字符以内")
        }
        return .id(id)
    }

    static func hex(_ value: UInt64) -> String { Hex.string(value) }
}

/// A hand-typed id as the record id it stands for, or why it cannot be one.
public enum ScopedID: Sendable, Equatable {
    case id(String)
    case problem(String)
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
