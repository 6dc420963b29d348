import Codecs
import SyncCore
/// The two messages that carry records — a push and a pull's answer — written and read by hand:
/// they are nearly all of a sync's bytes and time (docs/PERFORMANCE.md). JSON as docs/PROTOCOL.md
/// gives it, keys sorted.
enum WireRecords {
    static func write(_ request: PushRequest) -> [UInt8] {
        var json = JSONWriter(capacity: 256 + request.records.count * 192)
        json.raw("{\"counter\":")
        json.integer(request.senderCounter)
        if let cursor = request.cursor {
            json.raw(",\"cursor\":")
            write(cursor, to: &json)
        }
        json.raw(",\"protocolVersion\":")
        json.integer(request.protocolVersion)
        json.raw(",\"records\":")
        write(request.records, to: &json)
        json.raw(",\"schemaVersion\":")
        json.integer(request.schemaVersion)
        json.raw(",\"sender\":")
        write(request.sender, to: &json)
        // A relay's sites and units: absent from a laptop's push, as before relays.
        if !request.sites.isEmpty {
            json.raw(",\"sites\":")
            write(request.sites, to: &json)
        }
        if !request.units.isEmpty {
            json.raw(",\"units\":")
            write(request.units, to: &json)
        }
        json.raw("}")
        return json.bytes
    }

    static func write(_ response: PullResponse) -> [UInt8] {
        var json = JSONWriter(capacity: 256 + response.records.count * 192)
        // The answer to the pull's `finish`, when the server took it: absent otherwise, as before.
        if let done = response.done {
            json.raw("{\"done\":")
            WireMessages.write(done, to: &json)
            json.raw(",\"more\":")
        } else {
            json.raw("{\"more\":")
        }
        json.bool(response.more)
        json.raw(",\"next\":")
        write(response.next, to: &json)
        json.raw(",\"records\":")
        write(response.records, to: &json)
        json.raw(",\"restarted\":")
        json.bool(response.restarted)
        json.raw(",\"sites\":")
        write(response.sites, to: &json)
        json.raw(",\"units\":")
        write(response.units, to: &json)
        json.raw("}")
        return json.bytes
    }

    private static func write(_ sites: [SiteInfo], to json: inout JSONWriter) {
        json.raw("[")
        for (index, site) in sites.enumerated() {
            if index > 0 { json.raw(",") }
            write(site, to: &json)
        }
        json.raw("]")
    }

    private static func write(_ units: [UnitInfo], to json: inout JSONWriter) {
        json.raw("[")
        for (index, unit) in units.enumerated() {
            if index > 0 { json.raw(",") }
            json.raw("{\"code\":")
            json.string(unit.code)
            json.raw(",\"name\":")
            json.string(unit.name)
            if let parent = unit.parent {
                json.raw(",\"parent\":")
                json.string(parent)
            }
            json.raw("}")
        }
        json.raw("]")
    }

    static func pushRequest(_ bytes: [UInt8]) throws -> PushRequest {
        try JSONScanner.read(bytes) { json in
            var envelope = RequestEnvelope()
            var records: [RemoteRecord]?
            var sites: [SiteInfo] = [], units: [UnitInfo] = []
            try json.object { json, key in
                if try envelope.read(key, from: &json) { return }
                switch key {
                case "records": records = try readRecords(from: &json, atMost: SyncLimits.maximumBatchRecords)
                case "sites":
                    try json.array { json in
                        guard sites.count < SyncLimits.maximumBatchRecords else { throw json.invalid("sites 多于 \(SyncLimits.maximumBatchRecords) 个") }
                        sites.append(try readSite(from: &json, lenient: true))
                    }
                case "units":
                    try json.array { json in
                        guard units.count < SyncLimits.maximumBatchRecords else { throw json.invalid("units 多于 \(SyncLimits.maximumBatchRecords) 个") }
                        units.append(try readUnit(from: &json))
                    }
                default: try json.skipValue()
                }
            }
            let known = try envelope.complete(json)
            guard let records else { throw json.missing("records") }
            return PushRequest(protocolVersion: known.protocolVersion, schemaVersion: known.schemaVersion, sender: known.sender,
                               senderCounter: known.counter, cursor: envelope.cursor, records: records, sites: sites, units: units)
        }
    }

    static func pullResponse(_ bytes: [UInt8]) throws -> PullResponse {
        try JSONScanner.read(bytes) { json in
            var records: [RemoteRecord]?, sites: [SiteInfo]?, units: [UnitInfo]?, next: SyncCursor?, more: Bool?, restarted: Bool?
            var done: DoneResponse?
            try json.object { json, key in
                switch key {
                case "done": done = try WireMessages.readDoneResponse(from: &json)
                case "records": records = try readRecords(from: &json)
                case "sites":
                    var read: [SiteInfo] = []
                    try json.array { json in read.append(try readSite(from: &json, lenient: true)) }
                    sites = read
                case "units":
                    var read: [UnitInfo] = []
                    try json.array { json in read.append(try readUnit(from: &json)) }
                    units = read
                case "next": next = try readCursor(from: &json)
                case "more": more = try json.bool()
                case "restarted": restarted = try json.bool()
                default: try json.skipValue()
                }
            }
            guard let records else { throw json.missing("records") }
            guard let sites else { throw json.missing("sites") }
            guard let units else { throw json.missing("units") }
            guard let next else { throw json.missing("next") }
            guard let more else { throw json.missing("more") }
            guard let restarted else { throw json.missing("restarted") }
            return PullResponse(records: records, sites: sites, units: units, next: next, more: more, restarted: restarted, done: done)
        }
    }

    // MARK: Parts

    /// The records in order, each dot that follows its predecessor's as `"+"`.
    private static func write(_ records: [RemoteRecord], to json: inout JSONWriter) {
        json.raw("[")
        var previous: WireRecord.ShortDot?
        for (index, record) in records.enumerated() {
            if index > 0 { json.raw(",") }
            let wire = WireRecord(record, after: previous)
            wire.write(to: &json)
            previous = wire.spelt
        }
        json.raw("]")
    }

    /// The records in order, each `"+"` resolved against the record before it; more than
    /// `atMost` are refused as soon as they are seen.
    private static func readRecords(from json: inout JSONScanner, atMost limit: Int = .max) throws -> [RemoteRecord] {
        var records: [RemoteRecord] = []
        var previous: WireRecord.ShortDot?
        try json.array { json in
            guard records.count < limit else { throw Wire.TooLarge(records: records.count + 1) }
            let wire = try WireRecord.read(from: &json)
            do {
                let (record, dot) = try wire.message(after: previous)
                records.append(record)
                previous = dot
            } catch let malformed as Wire.Malformed {
                throw json.invalid(malformed.detail)
            }
        }
        return records
    }

    static func write(_ cursor: SyncCursor, to json: inout JSONWriter) {
        json.raw("{\"mark\":")
        json.string(cursor.mark)
        json.raw(",\"seq\":")
        json.integer(cursor.seq)
        json.raw("}")
    }

    static func write(_ site: SiteInfo, to json: inout JSONWriter) {
        json.raw("{\"device\":")
        json.string(site.deviceName)
        json.raw(",\"site\":")
        json.string(site.site.rawValue)
        json.raw(",\"unit\":")
        json.string(site.unit)
        json.raw("}")
    }

    private static func readUnit(from json: inout JSONScanner) throws -> UnitInfo {
        var code: String?, name: String?, parent: String?
        try json.object { json, key in
            switch key {
            case "code": code = try json.string(maximum: 64)
            case "name": name = try json.string(maximum: 400)
            case "parent": parent = try json.null() ? nil : json.string(maximum: 64)
            default: try json.skipValue()
            }
        }
        guard let code else { throw json.missing("code") }
        guard let name else { throw json.missing("name") }
        return UnitInfo(code: code, name: name, parent: parent)
    }
}
