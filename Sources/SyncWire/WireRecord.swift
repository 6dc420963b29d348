import Codecs
import SyncCore
/// A record on the wire. The usual version — one change wrote every field, nothing concurrent —
/// goes in a short form: `dot` ("site:counter:time") and, when some fields were written empty,
/// `cleared` (their names, comma-separated); the vector and clock are that one dot and the
/// fields of `values` plus `cleared`. Anything else goes as `vv` and `clock` in full. A dot of
/// `"+"` is the previous record's dot with the counter one higher (an import's rows, pushed in
/// order, are consecutive changes of one site at one time): only the first of a run is spelt out.
struct WireRecord {
    let kind: String
    let id: String
    let unit: String
    let vv: String?
    let clock: String?
    let dot: String?
    let cleared: String?
    let values: [String: String]
    let siblings: [CompactVersion.Sibling]?

    /// A short form's dot: one change, by one site, at one time.
    struct ShortDot: Equatable {
        let dot: Dot
        let time: Int64

        init(dot: Dot, time: Int64) { (self.dot, self.time) = (dot, time) }

        /// `site:counter:time`, its numbers within the protocol's limits.
        init(_ text: String) throws(CompactFormError) {
            (dot, time) = try Dot.withTime(compact: text, limits: .wire)
        }

        /// The next change of the same site at the same time (what `"+"` stands for).
        var next: ShortDot? {
            guard dot.counter < SyncLimits.maximumCounter else { return nil }
            return ShortDot(dot: Dot(site: dot.site, counter: dot.counter + 1), time: time)
        }
        var text: String { "\(dot.site.rawValue):\(dot.counter):\(time)" }
    }

    /// The dot this record stands for, when it is in the short form (not sent; for the next record).
    private(set) var spelt: ShortDot?

    private init(kind: String, id: String, unit: String, vv: String?, clock: String?, dot: String?, cleared: String?,
                 values: [String: String], siblings: [CompactVersion.Sibling]?) {
        (self.kind, self.id, self.unit, self.vv, self.clock, self.dot, self.cleared) = (kind, id, unit, vv, clock, dot, cleared)
        (self.values, self.siblings) = (values, siblings)
    }

    init(_ record: RemoteRecord, after previous: ShortDot?) {
        kind = record.kind
        id = record.id
        unit = record.unit
        if let short = WireRecord.shortForm(record.version) {
            (values, siblings, vv, clock) = (short.values, nil, nil, nil)
            dot = short.dot == previous?.next ? "+" : short.dot.text
            cleared = short.cleared.isEmpty ? nil : short.cleared.sorted().joined(separator: ",")
            spelt = short.dot
        } else {
            let compact = record.version.compact
            (values, siblings, vv, clock) = (compact.values, compact.siblings.isEmpty ? nil : compact.siblings, compact.vv, compact.clock)
            (dot, cleared, spelt) = (nil, nil, nil)
        }
    }

    /// The one change that wrote every field of `version`, when that is all it holds: its clock
    /// is that change's dot, and every field has one entry, by that change.
    private static func shortForm(_ version: RecordVersion) -> (dot: ShortDot, values: [String: String], cleared: [String])? {
        guard version.clock.counters.count == 1, let (site, counter) = version.clock.counters.first,
              let first = version.fields.first?.value.first, first.dot == Dot(site: site, counter: counter) else { return nil }
        var values: [String: String] = [:]
        values.reserveCapacity(version.fields.count)
        var cleared: [String] = []
        for (field, register) in version.fields {
            guard register.count == 1, register[0].dot == first.dot, register[0].writtenAt == first.writtenAt else { return nil }
            if let value = register[0].value { values[field] = value } else { cleared.append(field) }
        }
        return (ShortDot(dot: first.dot, time: first.writtenAt), values, cleared)
    }

    /// The record, and its dot when it is in the short form. Its numbers must be within the
    /// protocol's limits (`SyncLimits`).
    func message(after previous: ShortDot?) throws -> (RemoteRecord, ShortDot?) {
        let named = "记录 \(kind.prefix(32))/\(id.prefix(64))"
        let invalid = Wire.Malformed(detail: "\(named) 的版本信息无效")
        guard let dot else {
            guard let vv, let clock, cleared == nil else { throw invalid }
            do {
                let version = try RecordVersion(compact: CompactVersion(vv: vv, clock: clock, values: values, siblings: siblings ?? []), limits: .wire)
                return (RemoteRecord(kind: kind, id: id, unit: unit, version: version), nil)
            } catch {
                throw Wire.Malformed(detail: "\(named) 的版本信息无效: \(error)")
            }
        }
        guard vv == nil, clock == nil, siblings == nil else { throw invalid }
        let short: ShortDot
        do {
            guard let resolved = dot == "+" ? previous?.next : try ShortDot(dot) else {
                throw Wire.Malformed(detail: "\(named) 的 dot \"+\" 无效 (须紧跟一条有 dot 的记录, 且计数不超过 \(SyncLimits.maximumCounter))")
            }
            short = resolved
        } catch let error as CompactFormError {
            throw Wire.Malformed(detail: "\(named) 的 dot \"\(dot.prefix(64))\" 无效: \(error)")
        }
        var fields: [String: FieldRegister] = [:]
        fields.reserveCapacity(values.count + 1)
        for (field, value) in values {
            guard !field.isEmpty else { throw invalid }
            fields[field] = FieldRegister(single: FieldEntry(dot: short.dot, value: value, writtenAt: short.time))
        }
        for field in cleared?.split(separator: ",", omittingEmptySubsequences: false) ?? [] {
            guard !field.isEmpty, fields[String(field)] == nil else { throw invalid }
            fields[String(field)] = FieldRegister(single: FieldEntry(dot: short.dot, value: nil, writtenAt: short.time))
        }
        guard !fields.isEmpty else { throw invalid }
        let version = RecordVersion(clock: VersionVector([short.dot.site: short.dot.counter]), fields: fields)
        return (RemoteRecord(kind: kind, id: id, unit: unit, version: version), short)
    }
}


// MARK: - JSON

extension WireRecord {
    /// `{"cleared":…,"clock":…,"dot":…,"id":…,"kind":…,"siblings":[…],"unit":…,"values":{…},"vv":…}`,
    /// keys sorted, absent optionals left out.
    func write(to json: inout JSONWriter) {
        json.raw("{")
        if let cleared { json.raw("\"cleared\":"); json.string(cleared); json.raw(",") }
        if let clock { json.raw("\"clock\":"); json.string(clock); json.raw(",") }
        if let dot { json.raw("\"dot\":"); json.string(dot); json.raw(",") }
        json.raw("\"id\":"); json.string(id)
        json.raw(",\"kind\":"); json.string(kind)
        if let siblings {
            json.raw(",\"siblings\":[")
            for (index, sibling) in siblings.enumerated() {
                if index > 0 { json.raw(",") }
                json.raw("{\"c\":"); json.integer(sibling.c)
                json.raw(",\"f\":"); json.string(sibling.f)
                json.raw(",\"s\":"); json.string(sibling.s)
                json.raw(",\"t\":"); json.integer(sibling.t)
                if let value = sibling.v { json.raw(",\"v\":"); json.string(value) }
                json.raw("}")
            }
            json.raw("]")
        }
        json.raw(",\"unit\":"); json.string(unit)
        json.raw(",\"values\":{")
        for (index, field) in values.keys.sorted().enumerated() {
            if index > 0 { json.raw(",") }
            json.string(field)
            json.raw(":")
            json.string(values[field]!)
        }
        json.raw("}")
        if let vv { json.raw(",\"vv\":"); json.string(vv) }
        json.raw("}")
    }

    /// One record object; members this build does not know are skipped.
    static func read(from json: inout JSONScanner) throws -> WireRecord {
        var kind: String?, id: String?, unit: String?, vv: String?, clock: String?, dot: String?, cleared: String?
        var values: [String: String]?
        var siblings: [CompactVersion.Sibling]?
        try json.object { json, key in
            switch key {
            case "kind": kind = try json.string()
            case "id": id = try json.string()
            case "unit": unit = try json.string()
            case "vv": vv = try json.optionalString()
            case "clock": clock = try json.optionalString()
            case "dot": dot = try json.optionalString()
            case "cleared": cleared = try json.optionalString()
            case "values":
                var read: [String: String] = [:]
                read.reserveCapacity(16)
                try json.object { json, field in
                    guard read.updateValue(try json.string(), forKey: field) == nil else { throw json.invalid("字段名重复") }
                }
                values = read
            case "siblings":
                if json.null() { break }
                var read: [CompactVersion.Sibling] = []
                try json.array { json in read.append(try readSibling(from: &json)) }
                siblings = read
            default: try json.skipValue()
            }
        }
        guard let kind else { throw json.missing("kind") }
        guard let id else { throw json.missing("id") }
        guard let unit else { throw json.missing("unit") }
        guard let values else { throw json.missing("values") }
        return WireRecord(kind: kind, id: id, unit: unit, vv: vv, clock: clock, dot: dot, cleared: cleared, values: values, siblings: siblings)
    }

    private static func readSibling(from json: inout JSONScanner) throws -> CompactVersion.Sibling {
        var f: String?, s: String?, c: UInt64?, t: Int64?, v: String?
        try json.object { json, key in
            switch key {
            case "f": f = try json.string()
            case "s": s = try json.string()
            case "c": c = try json.integer(in: CompactLimits.wire.counters)
            case "t": t = try json.integer(in: CompactLimits.wire.times)
            case "v": v = try json.optionalString()
            default: try json.skipValue()
            }
        }
        guard let f else { throw json.missing("f") }
        guard let s else { throw json.missing("s") }
        guard let c else { throw json.missing("c") }
        guard let t else { throw json.missing("t") }
        return CompactVersion.Sibling(f: f, s: s, c: c, t: t, v: v)
    }
}
