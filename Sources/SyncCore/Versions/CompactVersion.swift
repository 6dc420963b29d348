/// A record version in the compact form that is both stored (one row) and sent (one object):
///
/// - `vv`: the version vector, `site:counter,…` sorted by site;
/// - `clock`: the dot and time of each field's standing value, grouped by dot:
///   `site:counter:time=field,field;site:counter:time=field` — one group when a record was
///   written at once, which is the common case;
/// - `values`: the standing value of each field that has one (absent = empty);
/// - `siblings`: the entries that do not stand (concurrent writes), values included.
public struct CompactVersion: Sendable, Equatable {
    public struct Sibling: Codable, Sendable, Equatable {
        public let f: String
        public let s: String
        public let c: UInt64
        public let t: Int64
        public let v: String?

        public init(f: String, s: String, c: UInt64, t: Int64, v: String?) {
            self.f = f
            self.s = s
            self.c = c
            self.t = t
            self.v = v
        }
    }

    public var vv: String
    public var clock: String
    public var values: [String: String]
    public var siblings: [Sibling]

    public init(vv: String, clock: String, values: [String: String], siblings: [Sibling]) {
        self.vv = vv
        self.clock = clock
        self.values = values
        self.siblings = siblings
    }
}

extension RecordVersion {
    public var compact: CompactVersion {
        var values: [String: String] = [:]
        values.reserveCapacity(fields.count)
        // The common case: every field written by one change, nothing concurrent.
        if let first = fields.first?.value.first,
           fields.allSatisfy({ $0.value.count == 1 && $0.value[0].dot == first.dot }) {
            for (field, register) in fields { if let value = register[0].value { values[field] = value } }
            // Built as bytes and made a string once: `joined` and repeated appends cost more than
            // the rest of this path together.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(48 + fields.count * 16)
            first.dot.site.appendDigits(to: &bytes)
            bytes += ":\(first.dot.counter):\(first.writtenAt)=".utf8
            for (index, name) in fields.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += name.utf8
            }
            let clock = String(decoding: bytes, as: UTF8.self)
            return CompactVersion(vv: self.clock.encoded, clock: clock, values: values, siblings: [])
        }
        var groups: [Dot: (time: Int64, fields: [String])] = [:]
        var siblings: [CompactVersion.Sibling] = []
        for (field, register) in fields {
            let standing = register.standing(in: field)
            groups[standing.dot, default: (standing.writtenAt, [])].fields.append(field)
            if let value = standing.value { values[field] = value }
            for entry in register.losers(in: field) {
                siblings.append(.init(f: field, s: entry.dot.site.rawValue, c: entry.dot.counter, t: entry.writtenAt, v: entry.value))
            }
        }
        let clock = groups.sorted { $0.key < $1.key }.map { dot, group in
            "\(dot.site.rawValue):\(dot.counter):\(group.time)=" + group.fields.sorted().joined(separator: ",")
        }.joined(separator: ";")
        siblings.sort { ($0.f, $0.c, $0.s) < ($1.f, $1.c, $1.s) }
        return CompactVersion(vv: self.clock.encoded, clock: clock, values: values, siblings: siblings)
    }

    /// Rebuilds a version from its compact form; nil when the form is malformed.
    public init?(compact: CompactVersion) {
        guard let vector = VersionVector(encoded: compact.vv) else { return nil }
        // Each field's standing entry, from the clock; in the common case (no siblings) that is all.
        var fields: [String: FieldRegister] = [:]
        fields.reserveCapacity(compact.values.count + 1)
        var clock = compact.clock
        let wellFormed = clock.withUTF8 { bytes -> Bool in
            var text = CompactText(bytes)
            while !text.isAtEnd {
                guard let (dot, time) = text.dotAndTime(), text.skip("=") else { return false }
                repeat {
                    guard let name = text.name(), fields[name] == nil else { return false }
                    fields[name] = FieldRegister(single: FieldEntry(dot: dot, value: compact.values[name], writtenAt: time))
                } while text.skip(",")
                if text.isAtEnd { break }
                guard text.skip(";"), !text.isAtEnd else { return false }
            }
            return true
        }
        guard wellFormed else { return nil }
        for name in compact.values.keys where fields[name] == nil { return nil }
        if compact.siblings.isEmpty {
            self = RecordVersion(clock: vector, fields: fields)
            return
        }
        var entries = fields.mapValues(\.entries)
        for sibling in compact.siblings {
            guard let site = SiteID(sibling.s), sibling.c > 0, entries[sibling.f] != nil else { return nil }
            entries[sibling.f]!.append(FieldEntry(dot: Dot(site: site, counter: sibling.c), value: sibling.v, writtenAt: sibling.t))
        }
        let version = RecordVersion(clock: vector, fields: entries.mapValues(FieldRegister.init))
        // The standing entry must be the one the clock names: the form is canonical.
        for (name, register) in version.fields where register.standing(in: name).dot != entries[name]![0].dot { return nil }
        self = version
    }
}

/// Reads the compact forms (`site:counter,…` and `site:counter:time=field,…;…`) byte by byte.
struct CompactText {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { at == bytes.count }

    /// Reads `byte` when it comes next.
    mutating func skip(_ byte: Unicode.Scalar) -> Bool {
        guard at < bytes.count, bytes[at] == UInt8(ascii: byte) else { return false }
        at += 1
        return true
    }

    /// `site:counter:time`: one change (counter at least 1) and when it was made.
    mutating func dotAndTime() -> (Dot, Int64)? {
        guard let site = site(), skip(":"), let counter = unsigned(), counter > 0, skip(":"), let time = signed() else { return nil }
        return (Dot(site: site, counter: counter), time)
    }

    mutating func site() -> SiteID? {
        guard bytes.count - at >= 16, let site = SiteID(utf8: UnsafeBufferPointer(rebasing: bytes[at..<at + 16])) else { return nil }
        at += 16
        return site
    }

    /// One or more decimal digits that fit in 64 bits.
    mutating func unsigned() -> UInt64? {
        let start = at
        var value: UInt64 = 0
        while at < bytes.count, bytes[at] &- UInt8(ascii: "0") < 10 {
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times10.addingReportingOverflow(UInt64(bytes[at] &- UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            value = sum
            at += 1
        }
        return at > start ? value : nil
    }

    mutating func signed() -> Int64? {
        let negative = skip("-")
        guard let magnitude = unsigned() else { return nil }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// A field name: one or more bytes up to the next `,` or `;`.
    mutating func name() -> String? {
        let start = at
        while at < bytes.count, bytes[at] != UInt8(ascii: ","), bytes[at] != UInt8(ascii: ";") { at += 1 }
        return at > start ? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self) : nil
    }
}
