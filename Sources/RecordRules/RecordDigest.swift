import Codecs
import Crypto
import Records
import SyncCore

/// A 256-bit digest; sets of records are digested by XOR of their members' digests, which is
/// independent of order and can be kept up to date one change at a time. Four words, held
/// inline: every record written computes one, and a unit's total is XORed with it.
public struct Digest256: Equatable, Sendable {
    public var words: (UInt64, UInt64, UInt64, UInt64)

    public static let zero = Digest256(words: (0, 0, 0, 0))

    public init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

    /// From the 32 bytes of a hash, most significant first.
    public init(bytes: some Sequence<UInt8>) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for (index, byte) in bytes.prefix(32).enumerated() { Digest256.shift(&words, index / 8, in: UInt64(byte), bits: 8) }
        self.words = words
    }

    public init?(hex: String) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0
        for byte in hex.utf8 {
            guard let nibble = Hex.value(of: byte), count < 64 else { return nil }
            Digest256.shift(&words, count / 16, in: UInt64(nibble), bits: 4)
            count += 1
        }
        guard count == 64 else { return nil }
        self.words = words
    }

    /// Shifts `value` into the low end of word `index`.
    private static func shift(_ words: inout (UInt64, UInt64, UInt64, UInt64), _ index: Int, in value: UInt64, bits: UInt64) {
        switch index {
        case 0: words.0 = words.0 << bits | value
        case 1: words.1 = words.1 << bits | value
        case 2: words.2 = words.2 << bits | value
        default: words.3 = words.3 << bits | value
        }
    }

    public var hex: String {
        String(unsafeUninitializedCapacity: 64) { buffer in
            Hex.write(words.0, into: buffer, at: 0)
            Hex.write(words.1, into: buffer, at: 16)
            Hex.write(words.2, into: buffer, at: 32)
            Hex.write(words.3, into: buffer, at: 48)
            return 64
        }
    }

    public static func == (lhs: Digest256, rhs: Digest256) -> Bool { lhs.words == rhs.words }

    public static func ^ (lhs: Digest256, rhs: Digest256) -> Digest256 {
        Digest256(words: (lhs.words.0 ^ rhs.words.0, lhs.words.1 ^ rhs.words.1, lhs.words.2 ^ rhs.words.2, lhs.words.3 ^ rhs.words.3))
    }
}

/// The digest of one record: its identity and its whole version (values, dots, siblings), in
/// a canonical byte form. Two replicas holding the same record the same way compute the same.
public enum RecordDigest {
    public static func of(kind: RecordKind, id: String, unit: String, version: RecordVersion) -> Digest256 {
        of(kind: kind, id: id, unit: unit, compact: version.compact)
    }

    public static func of(kind: RecordKind, id: String, unit: String, compact: CompactVersion) -> Digest256 {
        of(kind: kind, id: id, unit: unit, vv: compact.vv, clock: compact.clock,
           sortedValues: compact.values.sorted(by: { $0.key < $1.key }).lazy.map { ($0.key, $0.value) }, siblings: compact.siblings)
    }

    /// The same from the compact form's parts, the values already sorted by field name.
    public static func of(kind: RecordKind, id: String, unit: String, vv: String, clock: String,
                   sortedValues: some Sequence<(String, String)>, siblings: [CompactVersion.Sibling]) -> Digest256 {
        // The canonical bytes, gathered into one buffer and hashed in one call: each field's
        // UTF-8 followed by a zero byte.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        func add(_ text: String) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(0)
        }
        add(kind.rawValue)
        add(id)
        add(unit)
        add(vv)
        add(clock)
        for (name, value) in sortedValues {
            add(name)
            add(value)
        }
        for sibling in siblings {
            add("\(sibling.f)\u{1}\(sibling.s)\u{1}\(sibling.c)\u{1}\(sibling.t)\u{1}\(sibling.v ?? "\u{2}")")
        }
        return Digest256(bytes: SHA256.hash(data: bytes))
    }

    /// The digest of what `scope` may read, from each unit's digest (the XOR of its records'):
    /// what a server answers at the end of a sync, and a replica compares. Nil when a unit's
    /// digest is not 64 hex digits.
    public static func ofScope(_ units: [(unit: String, digest: String)], scope: SyncScope) -> String? {
        var digest = Digest256.zero
        for (unit, hex) in units where scope.mayRead(unit) {
            guard let value = Digest256(hex: hex) else { return nil }
            digest = digest ^ value
        }
        return digest.hex
    }
}
