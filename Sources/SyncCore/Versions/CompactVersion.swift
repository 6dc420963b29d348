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
        guard let version = try? RecordVersion(compact: compact, limits: .stored) else { return nil }
        self = version
    }

    /// Rebuilds a version from its compact form, its numbers within `limits`; says why not.
    public init(compact: CompactVersion, limits: CompactLimits) throws(CompactFormError) {
        let vector = try VersionVector(encoded: compact.vv, limits: limits)
        // Each field's standing entry, from the clock; in the common case (no siblings) that is all.
        var fields: [String: FieldRegister] = [:]
        fields.reserveCapacity(compact.values.count + 1)
        var clock = compact.clock
        let problem = clock.withUTF8 { bytes -> CompactFormError? in
            var text = CompactText(bytes, limits: limits)
            while !text.isAtEnd {
                guard let (dot, time) = text.dotAndTime(), text.skip("=") else { return text.failure }
                repeat {
                    guard let name = text.name(), fields[name] == nil else { return .malformed }
                    fields[name] = FieldRegister(single: FieldEntry(dot: dot, value: compact.values[name], writtenAt: time))
                } while text.skip(",")
                if text.isAtEnd { break }
                guard text.skip(";"), !text.isAtEnd else { return .malformed }
            }
            return nil
        }
        if let problem { throw problem }
        for name in compact.values.keys where fields[name] == nil { throw .malformed }
        if compact.siblings.isEmpty {
            self = RecordVersion(clock: vector, fields: fields)
            return
        }
        var entries = fields.mapValues(\.entries)
        for sibling in compact.siblings {
            guard let site = SiteID(sibling.s), entries[sibling.f] != nil else { throw .malformed }
            guard limits.counters.contains(sibling.c) else { throw .counterOutOfRange(String(sibling.c), limits.counters) }
            guard limits.times.contains(sibling.t) else { throw .timeOutOfRange(String(sibling.t), limits.times) }
            entries[sibling.f]!.append(FieldEntry(dot: Dot(site: site, counter: sibling.c), value: sibling.v, writtenAt: sibling.t))
        }
        let version = RecordVersion(clock: vector, fields: entries.mapValues(FieldRegister.init))
        // The standing entry must be the one the clock names: the form is canonical.
        for (name, register) in version.fields where register.standing(in: name).dot != entries[name]![0].dot { throw .malformed }
        self = version
    }
}

extension Dot {
    /// A dot and its time from `site:counter:time`, the numbers within `limits`.
    public static func withTime(compact text: String, limits: CompactLimits) throws(CompactFormError) -> (Dot, Int64) {
        var text = text
        let parsed = text.withUTF8 { bytes -> Result<(Dot, Int64), CompactFormError> in
            var text = CompactText(bytes, limits: limits)
            guard let parsed = text.dotAndTime() else { return .failure(text.failure) }
            return text.isAtEnd ? .success(parsed) : .failure(.malformed)
        }
        return try parsed.get()
    }
}

/// Reads the compact forms (`site:counter,…` and `site:counter:time=field,…;…`) byte by byte,
/// each counter and time within `limits`.
struct CompactText {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0
    private let limits: CompactLimits
    /// A number read whole but outside its range: why the text was refused, when that is why.
    private var outOfRange: CompactFormError?

    init(_ bytes: UnsafeBufferPointer<UInt8>, limits: CompactLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    var isAtEnd: Bool { at == bytes.count }

    /// Why reading stopped: a number out of its range, or else a malformed text.
    var failure: CompactFormError { outOfRange ?? .malformed }

    /// Reads `byte` when it comes next.
    mutating func skip(_ byte: Unicode.Scalar) -> Bool {
        guard at < bytes.count, bytes[at] == UInt8(ascii: byte) else { return false }
        at += 1
        return true
    }

    /// `site:counter:time`: one change and when it was made.
    mutating func dotAndTime() -> (Dot, Int64)? {
        guard let dot = dot(), skip(":"), let time = time() else { return nil }
        return (dot, time)
    }

    /// `site:counter`.
    mutating func dot() -> Dot? {
        guard let site = site(), skip(":"), let counter = counter() else { return nil }
        return Dot(site: site, counter: counter)
    }

    mutating func site() -> SiteID? {
        guard bytes.count - at >= 16, let site = SiteID(utf8: UnsafeBufferPointer(rebasing: bytes[at..<at + 16])) else { return nil }
        at += 16
        return site
    }

    /// A counter within the limits.
    mutating func counter() -> UInt64? {
        let start = at
        guard let (value, negative) = number() else { return nil }
        guard !negative, let value, limits.counters.contains(value) else {
            outOfRange = .counterOutOfRange(digits(from: start), limits.counters)
            return nil
        }
        return value
    }

    /// A time within the limits.
    mutating func time() -> Int64? {
        let start = at
        guard let (magnitude, negative) = number() else { return nil }
        let value: Int64? = magnitude.flatMap { magnitude in
            negative ? (magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil)
                : (magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil)
        }
        guard let value, limits.times.contains(value) else {
            outOfRange = .timeOutOfRange(digits(from: start), limits.times)
            return nil
        }
        return value
    }

    /// An optional minus and one or more decimal digits, all read: their magnitude (nil when it
    /// does not fit 64 bits) and whether the minus was there. Nil when no digit follows.
    private mutating func number() -> (magnitude: UInt64?, negative: Bool)? {
        let negative = skip("-")
        let start = at
        var value: UInt64 = 0
        var overflow = false
        while at < bytes.count, bytes[at] &- UInt8(ascii: "0") < 10 {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[at] &- UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            value = sum
            at += 1
        }
        return at > start ? (overflow ? nil : value, negative) : nil
    }

    private func digits(from start: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(at, start + 40)]), as: UTF8.self)
    }

    /// A field name: one or more bytes up to the next `,` or `;`.
    mutating func name() -> String? {
        let start = at
        while at < bytes.count, bytes[at] != UInt8(ascii: ","), bytes[at] != UInt8(ascii: ";") { at += 1 }
        return at > start ? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self) : nil
    }
}
