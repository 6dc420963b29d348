import Crypto
import Records
import SyncCore

/// A 256-bit digest; sets of records are digested by XOR of their members' digests, which is
/// independent of order and can be kept up to date one change at a time.
struct Digest256: Equatable, Sendable {
    var words: [UInt64]

    static let zero = Digest256(words: [0, 0, 0, 0])

    init(words: [UInt64]) { self.words = words }

    init?(hex: String) {
        guard hex.utf8.count == 64 else { return nil }
        var words: [UInt64] = []
        var index = hex.startIndex
        for _ in 0..<4 {
            let end = hex.index(index, offsetBy: 16)
            guard let word = UInt64(hex[index..<end], radix: 16) else { return nil }
            words.append(word)
            index = end
        }
        self.words = words
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    var hex: String {
        String(unsafeUninitializedCapacity: 64) { buffer in
            for (index, word) in words.enumerated() {
                for nibble in 0..<16 {
                    buffer[index * 16 + nibble] = Digest256.hexDigits[Int((word >> UInt64(60 - nibble * 4)) & 0xF)]
                }
            }
            return 64
        }
    }

    static func ^ (lhs: Digest256, rhs: Digest256) -> Digest256 {
        Digest256(words: zip(lhs.words, rhs.words).map { $0 ^ $1 })
    }
}

/// The digest of one record: its identity and its whole version (values, dots, siblings), in
/// a canonical byte form. Two replicas holding the same record the same way compute the same.
enum RecordDigest {
    static func of(kind: RecordKind, id: String, unit: String, version: RecordVersion) -> Digest256 {
        of(kind: kind, id: id, unit: unit, compact: version.compact)
    }

    static func of(kind: RecordKind, id: String, unit: String, compact: CompactVersion) -> Digest256 {
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
        add(compact.vv)
        add(compact.clock)
        for (name, value) in compact.values.sorted(by: { $0.key < $1.key }) {
            add(name)
            add(value)
        }
        for sibling in compact.siblings {
            add("\(sibling.f)\u{1}\(sibling.s)\u{1}\(sibling.c)\u{1}\(sibling.t)\u{1}\(sibling.v ?? "\u{2}")")
        }
        let hash = Array(SHA256.hash(data: bytes))
        return Digest256(words: (0..<4).map { word in hash[(word * 8)..<(word * 8 + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } })
    }
}
